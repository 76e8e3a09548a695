package com.altaviz.etl.simulator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Makes a Parquet footer a function of the data alone. parquet-mr collects each column chunk's
 * encodings in a HashSet of enum constants, whose iteration order follows identity hash codes and
 * so changes from one JVM to the next; the footer then lists the same encodings in a different
 * order. Sorting the lists (same elements, same length) restores byte-identical files.
 */
final class ParquetFooters {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private ParquetFooters() {}

  /** Rewrites {@code file} in place when its footer lists encodings out of order. */
  static void canonicalize(FileSystem fs, Path file) throws IOException {
    long length = fs.getFileStatus(file).getLen();
    byte[] tail = new byte[8];
    byte[] footer;
    try (FSDataInputStream in = fs.open(file)) {
      in.readFully(length - 8, tail);
      if (!Arrays.equals(Arrays.copyOfRange(tail, 4, 8), MAGIC)) {
        throw new IOException(file + " is not a Parquet file");
      }
      int footerLength = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      footer = new byte[footerLength];
      in.readFully(length - 8 - footerLength, footer);
    }
    FileMetaData meta = Util.readFileMetaData(new ByteArrayInputStream(footer));
    for (RowGroup rg : meta.getRow_groups()) {
      for (ColumnChunk c : rg.getColumns()) {
        c.getMeta_data().getEncodings().sort(Comparator.comparingInt(Encoding::getValue));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(footer.length);
    Util.writeFileMetaData(meta, out);
    byte[] sorted = out.toByteArray();
    if (Arrays.equals(sorted, footer)) {
      return;
    }
    if (sorted.length != footer.length) {
      throw new IOException("re-encoding the footer of " + file + " changed its length");
    }
    Path tmp = new Path(file.getParent(), "_" + file.getName() + ".tmp");
    long dataLength = length - 8 - footer.length;
    try (InputStream in = fs.open(file);
        OutputStream o = fs.create(tmp, true)) {
      byte[] buf = new byte[1 << 16];
      long left = dataLength;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new IOException("unexpected end of " + file);
        }
        o.write(buf, 0, n);
        left -= n;
      }
      o.write(sorted);
      o.write(tail);
    }
    fs.delete(file, false);
    if (!fs.rename(tmp, file)) {
      throw new IOException("could not replace " + file);
    }
  }
}
