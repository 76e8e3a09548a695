package com.altaviz.etl.simulator;

import com.altaviz.etl.common.Schemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** Test helpers to look at a landing zone written by the simulator, as files and as data. */
final class Landing {
  private Landing() {}

  /** Relative path → bytes of every file under {@code root}, in path order. */
  static TreeMap<String, byte[]> files(Path root) {
    TreeMap<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The nine landed columns read with an explicit schema (never inferred), plus {@code folder}
   * (YYYY-MM-DD of the date= folder) and {@code kind} (part | retransmit, from the file name).
   * Spark's own partition column {@code date} is left out on purpose.
   */
  static Dataset<Row> readings(SparkSession spark, Path raw) {
    List<Column> cols = new ArrayList<>();
    Arrays.stream(Schemas.RAW_SENSOR_READINGS.fieldNames()).map(functions::col).forEach(cols::add);
    Column source = functions.input_file_name();
    cols.add(functions.regexp_extract(source, "date=([0-9-]+)/", 1).as("folder"));
    cols.add(functions.regexp_extract(source, "/([a-z]+)-[0-9]{5}\\.parquet$", 1).as("kind"));
    return spark
        .read()
        .schema(Schemas.RAW_SENSOR_READINGS)
        .parquet(raw.resolve("sensor_readings").toString())
        .select(cols.toArray(Column[]::new));
  }

  /** Lines of a landed CSV file. */
  static List<String> csvLines(Path raw, String name) {
    try {
      return Files.readAllLines(raw.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
