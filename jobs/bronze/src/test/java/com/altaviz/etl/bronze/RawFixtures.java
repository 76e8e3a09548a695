package com.altaviz.etl.bronze;

import com.altaviz.etl.common.Schemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Tiny raw landing zones for bronze tests: Parquet files written by Spark from rows, CSVs. */
final class RawFixtures {
  private RawFixtures() {}

  static Row reading(String id, String ts, double vibration) {
    return RowFactory.create(
        id, Timestamp.from(Instant.parse(ts)), vibration, 200.0, 60.0, 1000.0, 1400.0, 9000.0,
        1234.5);
  }

  /** Writes {@code rows} as one Parquet file at raw/sensor_readings/date=DATE/NAME. */
  static Path parquet(SparkSession spark, Path raw, String date, String name, List<Row> rows) {
    return parquet(spark, raw, date, name, rows, Schemas.RAW_SENSOR_READINGS);
  }

  static Path parquet(
      SparkSession spark, Path raw, String date, String name, List<Row> rows, StructType schema) {
    try {
      Path tmp = Files.createTempDirectory("fixture");
      spark.createDataFrame(rows, schema).coalesce(1).write().mode("overwrite")
          .parquet(tmp.resolve("out").toString());
      Path part;
      try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
        part = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst()
            .orElseThrow();
      }
      Path target = raw.resolve("sensor_readings").resolve("date=" + date).resolve(name);
      Files.createDirectories(target.getParent());
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void setModified(Path file, Instant t) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(t));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static final String METADATA_CSV =
      "compressor_id,model,horsepower,install_date,station_id\n"
          + "COMP-001,Ajax DPC-360,1500,2019-03-01,STN-001\n"
          + "COMP-002,Ariel JGK/4,1400.5,2020-07-15,STN-002\n";

  static final String MAINTENANCE_CSV =
      "maintenance_id,compressor_id,maintenance_type,description,performed_at,cost_usd,"
          + "performed_by,notes\n"
          + "MNT-0001,COMP-001,scheduled,\"Oil change, filters\",2024-01-20T08:00:00Z,1200.0,"
          + "J. Doe,\"said \"\"ok\"\"\"\n";

  static final String STATIONS_CSV =
      "station_id,station_name,latitude,longitude,region,state\n"
          + "STN-001,Permian North,31.9,-102.1,Permian,TX\n"
          + "STN-002,Eagle Ford,28.7,-98.5,South,TX\n";

  /** The three dimension CSVs at the landing root. */
  static void dimensions(Path raw) {
    write(raw.resolve("compressor_metadata.csv"), METADATA_CSV);
    write(raw.resolve("maintenance_logs.csv"), MAINTENANCE_CSV);
    write(raw.resolve("stations.csv"), STATIONS_CSV);
  }
}
