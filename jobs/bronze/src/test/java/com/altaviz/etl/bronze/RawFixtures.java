package com.altaviz.etl.bronze;

import com.altaviz.etl.common.Schemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Tiny raw landing zones for bronze tests: Parquet files written by Spark from rows, CSVs. */
final class RawFixtures {
  private RawFixtures() {}

  static Row reading(String id, String ts, double vibration) {
    return RowFactory.create(
        id,
        Timestamp.from(Instant.parse(ts)),
        vibration,
        200.0,
        60.0,
        1000.0,
        1400.0,
        9000.0,
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
      spark
          .createDataFrame(rows, schema)
          .coalesce(1)
          .write()
          .mode("overwrite")
          .parquet(tmp.resolve("out").toString());
      Path part;
      try (Stream<Path> s = Files.list(tmp.resolve("out"))) {
        part =
            s.filter(p -> p.getFileName().toString().endsWith(".parquet"))
                .findFirst()
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

  /**
   * The contract columns as a gateway writes them: Parquet without Spark's version metadata, so
   * Spark cannot tell from the file which calendar its dates are in. Timestamps are INT64 micros.
   */
  static final String GATEWAY_SCHEMA =
      "required binary compressor_id (STRING); optional int64 timestamp (TIMESTAMP(MICROS,true));"
          + " optional double vibration_mms; optional double discharge_temp_f;"
          + " optional double suction_pressure_psi; optional double discharge_pressure_psi;"
          + " optional double horsepower_consumption; optional double gas_flow_mcf;"
          + " optional double operating_hours;";

  /**
   * Writes {@code rows} with parquet-mr alone (no Spark) as raw/sensor_readings/date=DATE/NAME.
   * {@code fields} is the body of a Parquet message type; each row holds one value per field:
   * String (binary), Instant (int64 micros or int96) or Double.
   */
  static Path gatewayParquet(
      Path raw, String date, String name, String fields, List<Object[]> rows) {
    MessageType schema = MessageTypeParser.parseMessageType("message gateway { " + fields + " }");
    Path target = raw.resolve("sensor_readings").resolve("date=" + date).resolve(name);
    try {
      Files.createDirectories(target.getParent());
      Files.deleteIfExists(target);
      try (ParquetWriter<Group> w =
          ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(target.toUri()))
              .withType(schema)
              .withConf(new Configuration())
              .build()) {
        SimpleGroupFactory groups = new SimpleGroupFactory(schema);
        for (Object[] values : rows) {
          Group g = groups.newGroup();
          for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof String s) {
              g.add(i, s);
            } else if (v instanceof Double d) {
              g.add(i, d);
            } else if (v instanceof Instant t
                && schema.getType(i).asPrimitiveType().getPrimitiveTypeName()
                    == PrimitiveTypeName.INT96) {
              g.add(i, int96(t));
            } else if (v instanceof Instant t) {
              g.add(i, t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000);
            } else if (v != null) {
              throw new IllegalArgumentException("no Parquet value for " + v);
            }
          }
          w.write(g);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Impala's INT96: nanoseconds of the day, then the Julian day number, little-endian. */
  private static Binary int96(Instant t) {
    long day = Math.floorDiv(t.getEpochSecond(), 86_400L) + 2_440_588L;
    long nanos = Math.floorMod(t.getEpochSecond(), 86_400L) * 1_000_000_000L + t.getNano();
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(nanos).putInt((int) day);
    return Binary.fromConstantByteArray(b.array());
  }

  /** One gateway row of the contract columns, sensors as in {@link #reading}. */
  static Object[] gatewayReading(String id, String ts, double vibration) {
    return new Object[] {
      id, Instant.parse(ts), vibration, 200.0, 60.0, 1000.0, 1400.0, 9000.0, 1234.5
    };
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
