package com.altaviz.etl.bronze;

import com.altaviz.etl.common.EtlException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** SHA-256 of a file's bytes, streamed through the Hadoop file system (any storage). */
public final class ContentHash {
  private ContentHash() {}

  public static String sha256(String file, Configuration conf) {
    try (InputStream in = new Path(file).getFileSystem(conf).open(new Path(file))) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw EtlException.badInput("cannot read raw file " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
