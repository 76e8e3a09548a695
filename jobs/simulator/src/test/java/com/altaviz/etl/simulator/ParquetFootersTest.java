package com.altaviz.etl.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.SparkTestBase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * parquet-mr lists encodings in HashSet order (varies between JVMs); the canonical form must not
 * depend on the order they were listed in, and must leave the data readable.
 */
class ParquetFootersTest extends SparkTestBase {
  @Test
  void encodingOrderNoLongerMatters(@TempDir Path dir) throws Exception {
    spark
        .range(100)
        .selectExpr("id", "cast(id % 3 as string) as s")
        .coalesce(1)
        .write()
        .parquet(dir.resolve("t").toString());
    Path file;
    try (var files = Files.list(dir.resolve("t"))) {
      file =
          files
              .filter(p -> p.getFileName().toString().endsWith(".parquet"))
              .findFirst()
              .orElseThrow();
    }
    byte[] original = Files.readAllBytes(file);
    Path ascending = dir.resolve("ascending.parquet");
    Path descending = dir.resolve("descending.parquet");
    Files.write(ascending, withEncodingsOrdered(original, false));
    Files.write(descending, withEncodingsOrdered(original, true));
    assertThat(Files.readAllBytes(descending)).isNotEqualTo(Files.readAllBytes(ascending));

    FileSystem fs =
        FileSystem.getLocal(spark.sparkContext().hadoopConfiguration()).getRawFileSystem();
    for (Path p : List.of(file, ascending, descending)) {
      ParquetFooters.canonicalize(fs, new org.apache.hadoop.fs.Path(p.toUri()));
    }

    byte[] canonical = Files.readAllBytes(file);
    assertThat(canonical).hasSameSizeAs(original);
    assertThat(Files.readAllBytes(ascending)).isEqualTo(canonical);
    assertThat(Files.readAllBytes(descending)).isEqualTo(canonical);
    assertThat(spark.read().parquet(descending.toString()).where("s = '1'").count()).isEqualTo(33);
  }

  /** The same file with every column chunk's encodings listed by ascending/descending value. */
  private static byte[] withEncodingsOrdered(byte[] file, boolean descending) throws Exception {
    int footerLength =
        ByteBuffer.wrap(file, file.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    int footerStart = file.length - 8 - footerLength;
    FileMetaData meta =
        Util.readFileMetaData(new ByteArrayInputStream(file, footerStart, footerLength));
    for (var rg : meta.getRow_groups()) {
      for (ColumnChunk c : rg.getColumns()) {
        List<Encoding> e = new ArrayList<>(c.getMeta_data().getEncodings());
        e.sort(Comparator.comparingInt(Encoding::getValue));
        if (descending) {
          Collections.reverse(e);
        }
        c.getMeta_data().setEncodings(e);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(file, 0, footerStart);
    Util.writeFileMetaData(meta, out);
    out.write(Arrays.copyOfRange(file, file.length - 8, file.length));
    return out.toByteArray();
  }
}
