package com.altaviz.etl.silver;

import com.altaviz.etl.common.Schemas;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Tiny bronze-shaped DataFrames for the silver rule tests. */
final class Fixtures {
  private Fixtures() {}

  /** bronze/sensor_readings as the bronze stage writes it. */
  static final StructType BRONZE =
      Schemas.RAW_SENSOR_READINGS
          .add(Schemas.INGESTED_AT, DataTypes.TimestampType)
          .add(Schemas.SOURCE_FILE, DataTypes.StringType)
          .add(Schemas.RUN_ID, DataTypes.StringType)
          .add("_landing_date", DataTypes.DateType)
          .add("_source_size", DataTypes.LongType)
          .add("_source_modified_at", DataTypes.TimestampType);

  static Timestamp ts(String iso) {
    return iso == null ? null : Timestamp.from(Instant.parse(iso));
  }

  /** A healthy reading; setters change one field. */
  static final class Reading {
    String id;
    String at;
    Double vibration = 3.0;
    Double temp = 200.0;
    Double suction = 60.0;
    Double discharge = 1000.0;
    Double hp = 1400.0;
    Double flow = 9000.0;
    Double hours = 100.0;
    String ingested = "2024-02-02T01:00:00Z";
    String file = "file:/raw/sensor_readings/date=2024-02-01/part-00000.parquet";
    String landed;

    /** Lands on the day of its timestamp (or Feb 1 without one), like an on-time reading. */
    Reading(String id, String at) {
      this.id = id;
      this.at = at;
      this.landed = at == null ? "2024-02-01" : at.substring(0, 10);
    }

    Reading vibration(Double v) {
      vibration = v;
      return this;
    }

    Reading hours(Double v) {
      hours = v;
      return this;
    }

    Reading temp(Double v) {
      temp = v;
      return this;
    }

    Reading discharge(Double v) {
      discharge = v;
      return this;
    }

    Reading suction(Double v) {
      suction = v;
      return this;
    }

    Reading flow(Double v) {
      flow = v;
      return this;
    }

    Reading hp(Double v) {
      hp = v;
      return this;
    }

    Reading allSensorsNull() {
      vibration = temp = suction = discharge = hp = flow = null;
      return this;
    }

    Reading ingested(String v) {
      ingested = v;
      return this;
    }

    Reading file(String v) {
      file = v;
      return this;
    }

    Reading landed(String v) {
      landed = v;
      return this;
    }

    Row row() {
      // An Instant, not a java.sql.Timestamp: the latter counts days before 1582 as Julian.
      Instant time = at == null ? null : Instant.parse(at);
      return RowFactory.create(
          id,
          time,
          vibration,
          temp,
          suction,
          discharge,
          hp,
          flow,
          hours,
          ts(ingested),
          file,
          "bronze-run",
          Date.valueOf(landed),
          1000L,
          ts("2024-02-02T00:30:00Z"));
    }
  }

  static Reading reading(String id, String at) {
    return new Reading(id, at);
  }

  static Dataset<Row> bronze(SparkSession spark, Reading... readings) {
    List<Row> rows = new ArrayList<>();
    for (Reading r : readings) {
      rows.add(r.row());
    }
    return spark.createDataFrame(rows, BRONZE);
  }

  /** Readings of one compressor every 10 minutes from {@code start}, vibration from values. */
  static List<Reading> series(String id, String start, double... vibration) {
    List<Reading> out = new ArrayList<>();
    Instant t = Instant.parse(start);
    for (double v : vibration) {
      out.add(reading(id, t.toString()).vibration(v));
      t = t.plusSeconds(600);
    }
    return out;
  }

  static Dataset<Row> fleet(SparkSession spark, String... ids) {
    List<Row> rows = new ArrayList<>();
    for (String id : ids) {
      rows.add(RowFactory.create(id));
    }
    return spark.createDataFrame(rows, new StructType().add("compressor_id", DataTypes.StringType));
  }
}
