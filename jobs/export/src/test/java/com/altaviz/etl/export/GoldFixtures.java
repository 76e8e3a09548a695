package com.altaviz.etl.export;

import com.altaviz.etl.common.Schemas;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Tiny hand-made lake tables with the exact contract schemas ({@link Schemas}): gold rows, bronze
 * dimensions, quality metrics. The export reads only some gold columns, but the fixtures carry them
 * all so a contract change shows up here.
 */
final class GoldFixtures {
  static final StructType GOLD = Schemas.GOLD_FEATURES;

  /** One reading: the six sensors in contract order (nullable). */
  record Reading(
      String compressor,
      Instant ts,
      Double vibration,
      Double temp,
      Double suction,
      Double discharge,
      Double hp,
      Double flow) {}

  private GoldFixtures() {}

  static Reading reading(String compressor, String ts, Double... sensors) {
    return new Reading(
        compressor,
        Instant.parse(ts),
        sensors[0],
        sensors[1],
        sensors[2],
        sensors[3],
        sensors[4],
        sensors[5]);
  }

  /** A healthy reading with the given vibration (other sensors at fixed normal values). */
  static Reading vib(String compressor, Instant ts, Double vibration) {
    return new Reading(compressor, ts, vibration, 200.0, 50.0, 1000.0, 1400.0, 10000.0);
  }

  static Dataset<Row> gold(SparkSession spark, List<Reading> readings) {
    List<Row> rows = new ArrayList<>();
    for (Reading r : readings) {
      ZonedDateTime z = r.ts().atZone(ZoneOffset.UTC);
      Double diff =
          r.discharge() == null || r.suction() == null ? null : r.discharge() - r.suction();
      String vs = status(r.vibration(), 6.0, 8.0);
      String ts = status(r.temp(), 240.0, 260.0);
      String ps = worst(status(r.discharge(), 1300.0, 1400.0), lowStatus(r.suction()));
      rows.add(
          RowFactory.create(
              r.compressor(),
              Timestamp.from(r.ts()),
              r.vibration(),
              r.temp(),
              r.suction(),
              r.discharge(),
              r.hp(),
              r.flow(),
              1000.0,
              "Ajax DPC-360",
              "STN-01",
              1500.0,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              1L,
              1L,
              null,
              diff,
              r.hp() == null ? null : r.hp() / 1500.0,
              null,
              vs,
              ts,
              ps,
              worst(worst(vs, ts), ps),
              z.getHour(),
              z.getDayOfWeek().getValue(),
              z.getDayOfWeek() == DayOfWeek.SATURDAY || z.getDayOfWeek() == DayOfWeek.SUNDAY,
              Date.valueOf(z.toLocalDate()),
              "gold-fixture"));
    }
    return spark.createDataFrame(rows, GOLD);
  }

  private static String status(Double v, double warning, double critical) {
    if (v == null || v < warning) {
      return "normal";
    }
    return v >= critical ? "critical" : "warning";
  }

  private static String lowStatus(Double v) {
    if (v == null || v > 30.0) {
      return "normal";
    }
    return v <= 20.0 ? "critical" : "warning";
  }

  private static String worst(String a, String b) {
    List<String> order = List.of("normal", "warning", "critical");
    return order.indexOf(a) >= order.indexOf(b) ? a : b;
  }

  static Dataset<Row> stations(SparkSession spark) {
    StructType s = withLineage(Schemas.STATIONS);
    return spark.createDataFrame(
        List.of(
            RowFactory.create(
                "STN-01",
                "Permian North",
                31.9,
                -102.1,
                "Permian",
                "TX",
                Timestamp.from(Instant.parse("2024-02-01T00:00:00Z")),
                "raw/stations.csv",
                "b1"),
            RowFactory.create(
                "STN-02",
                "Eagle Ford \"South\"",
                28.7,
                -98.5,
                "Eagle Ford",
                "TX",
                Timestamp.from(Instant.parse("2024-02-01T00:00:00Z")),
                "raw/stations.csv",
                "b1")),
        s);
  }

  static Dataset<Row> compressorMetadata(SparkSession spark, List<String> ids) {
    List<Row> rows = new ArrayList<>();
    for (String id : ids) {
      rows.add(
          RowFactory.create(
              id,
              "Ajax DPC-360",
              1500.0,
              Date.valueOf(LocalDate.of(2020, 5, 1)),
              "STN-01",
              Timestamp.from(Instant.parse("2024-02-01T00:00:00Z")),
              "raw/compressor_metadata.csv",
              "b1"));
    }
    return spark.createDataFrame(rows, withLineage(Schemas.COMPRESSOR_METADATA));
  }

  static Dataset<Row> maintenanceLogs(SparkSession spark) {
    return spark.createDataFrame(
        List.of(
            RowFactory.create(
                "MX-1",
                "COMP-002",
                "failure",
                "bearing replaced",
                Timestamp.from(Instant.parse("2024-02-02T06:00:00Z")),
                12500.0,
                "crew A",
                null,
                Timestamp.from(Instant.parse("2024-02-01T00:00:00Z")),
                "raw/maintenance_logs.csv",
                "b1")),
        withLineage(Schemas.MAINTENANCE_LOGS));
  }

  static Dataset<Row> qualityMetrics(SparkSession spark, String runId, Instant start, Instant end) {
    Timestamp s = Timestamp.from(start);
    Timestamp e = Timestamp.from(end);
    Timestamp at = Timestamp.from(end.plusSeconds(600));
    return spark.createDataFrame(
        List.of(
            RowFactory.create(
                runId, "silver", s, e, "missing_rate", "vibration_mms", 0.01, 0.05, "pass", at),
            RowFactory.create(runId, "silver", s, e, "completeness", "*", 0.97, 0.95, "pass", at),
            RowFactory.create(
                runId, "silver", s, e, "completeness", "COMP-001", 0.9, 0.95, "warn", at)),
        // the layout before the check suite: the export must mirror such lakes too
        new StructType(
            Arrays.copyOf(Schemas.QUALITY_METRICS.fields(), Schemas.QUALITY_METRICS_BASE_COLUMNS)));
  }

  static StructType withLineage(StructType s) {
    return s.add(Schemas.INGESTED_AT, DataTypes.TimestampType)
        .add(Schemas.SOURCE_FILE, DataTypes.StringType)
        .add(Schemas.RUN_ID, DataTypes.StringType);
  }
}
