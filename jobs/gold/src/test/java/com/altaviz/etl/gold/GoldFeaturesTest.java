package com.altaviz.etl.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.ThresholdsConfig;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Spark transformation on a tiny hand-made silver fixture, every column checked. */
class GoldFeaturesTest extends SparkTestBase {
  /** gold/sensor_features's contract columns, typed here independently of the code. */
  static final List<String> CONTRACT_COLUMNS =
      List.of(
          "compressor_id",
          "timestamp",
          "vibration_mms",
          "discharge_temp_f",
          "suction_pressure_psi",
          "discharge_pressure_psi",
          "horsepower_consumption",
          "gas_flow_mcf",
          "operating_hours",
          "model",
          "station_id",
          "rated_horsepower",
          "vibration_1hr_mean",
          "vibration_1hr_std",
          "vibration_1hr_max",
          "temp_1hr_mean",
          "temp_1hr_std",
          "pressure_1hr_mean",
          "vibration_4hr_mean",
          "temp_4hr_mean",
          "pressure_4hr_mean",
          "vibration_24hr_mean",
          "temp_24hr_mean",
          "pressure_24hr_mean",
          "readings_1hr",
          "readings_24hr",
          "temp_1hr_delta",
          "pressure_differential",
          "hp_utilization",
          "days_since_maintenance",
          "vibration_status",
          "temp_status",
          "pressure_status",
          "overall_status",
          "hour_of_day",
          "day_of_week",
          "is_weekend",
          "date",
          "_run_id");

  private static final StructType SILVER =
      new StructType()
          .add("compressor_id", DataTypes.StringType)
          .add("timestamp", DataTypes.TimestampType)
          .add("vibration_mms", DataTypes.DoubleType)
          .add("discharge_temp_f", DataTypes.DoubleType)
          .add("suction_pressure_psi", DataTypes.DoubleType)
          .add("discharge_pressure_psi", DataTypes.DoubleType)
          .add("horsepower_consumption", DataTypes.DoubleType)
          .add("gas_flow_mcf", DataTypes.DoubleType)
          .add("operating_hours", DataTypes.DoubleType)
          .add("date", DataTypes.DateType);

  private static Map<String, Row> out;
  private static Dataset<Row> gold;

  private static Timestamp ts(String iso) {
    return Timestamp.from(Instant.parse(iso));
  }

  private static Row reading(
      String id, String iso, Double vib, Double temp, Double suct, Double disch, Double hp) {
    Timestamp t = ts(iso);
    return RowFactory.create(
        id,
        t,
        vib,
        temp,
        suct,
        disch,
        hp,
        9000.0,
        100.0,
        java.sql.Date.valueOf(LocalDate.ofInstant(t.toInstant(), java.time.ZoneOffset.UTC)));
  }

  @BeforeAll
  static void compute() {
    List<Row> silver =
        List.of(
            // warm-up: read for the windows, not emitted
            reading("COMP-001", "2024-02-02T23:20:00Z", 6.0, 240.0, 30.0, 1300.0, 1500.0),
            reading("COMP-001", "2024-02-03T00:00:00Z", 8.0, 260.0, 20.0, 1400.0, 1600.0),
            reading("COMP-001", "2024-02-03T00:20:00Z", null, 250.0, 50.0, 1000.0, null),
            reading("COMP-002", "2024-02-04T13:05:00Z", 1.0, 200.0, 60.0, 1000.0, 1400.0),
            reading("COMP-002", "2024-02-05T23:59:59.999999Z", 5.999, 239.99, 30.01, 1299.9, 1.0),
            // at the interval end: not even read
            reading("COMP-002", "2024-02-06T00:00:00Z", 50.0, 500.0, 0.0, 3000.0, 1.0),
            // not in the metadata
            reading("COMP-099", "2024-02-03T06:00:00Z", 2.0, 210.0, 55.0, 1100.0, 1000.0));
    List<Row> events =
        List.of(
            RowFactory.create("COMP-001", ts("2024-02-02T12:00:00Z")),
            RowFactory.create("COMP-001", ts("2024-02-03T00:10:00Z")),
            RowFactory.create("COMP-002", null));
    Dataset<Row> maintenance =
        spark.createDataFrame(
            events,
            new StructType()
                .add("compressor_id", DataTypes.StringType)
                .add("performed_at", DataTypes.TimestampType));
    GoldRange range =
        GoldRange.of(
            new Interval(
                Instant.parse("2024-02-03T00:00:00Z"), Instant.parse("2024-02-06T00:00:00Z")),
            0,
            24);
    gold =
        GoldFeatures.compute(
            spark.createDataFrame(silver, SILVER).where(range.readFilter()),
            SyntheticLake.metadata(spark, 3),
            maintenance,
            new ThresholdsConfig(),
            range,
            "run-1",
            GoldFeatures.Counters.register(spark));
    out = new HashMap<>();
    for (Row r : gold.collectAsList()) {
      out.put(r.getString(0) + " " + r.getTimestamp(1).toInstant(), r);
    }
  }

  private static Row row(String id, String iso) {
    Row r = out.get(id + " " + Instant.parse(iso));
    assertThat(r).as("gold row %s %s", id, iso).isNotNull();
    return r;
  }

  private static Object v(Row r, String column) {
    return r.get(r.fieldIndex(column));
  }

  @Test
  void columnsAreExactlyTheContract() {
    assertThat(Arrays.asList(gold.schema().fieldNames())).isEqualTo(CONTRACT_COLUMNS);
    assertThat(GoldSchema.OUTPUT.size()).isEqualTo(39);
    // the rolling features RollingFeatures computes are the contract's window columns
    List<String> rolling = new ArrayList<>();
    for (RollingFeatures.Feature f : RollingFeatures.Feature.values()) {
      if (f != RollingFeatures.Feature.TEMP_1HR_DELTA) {
        rolling.add(f.column);
      }
    }
    assertThat(rolling).isEqualTo(Schemas.GOLD_WINDOW_FEATURES);
    assertThat(gold.schema().apply("readings_1hr").dataType()).isEqualTo(DataTypes.LongType);
    assertThat(gold.schema().apply("day_of_week").dataType()).isEqualTo(DataTypes.IntegerType);
    assertThat(gold.schema().apply("is_weekend").dataType()).isEqualTo(DataTypes.BooleanType);
    assertThat(gold.schema().apply("date").dataType()).isEqualTo(DataTypes.DateType);
    for (String sensor : Schemas.SENSOR_COLUMNS) {
      assertThat(gold.schema().apply(sensor).dataType()).isEqualTo(DataTypes.DoubleType);
    }
  }

  @Test
  void emitsExactlyTheOutputRange() {
    assertThat(out.keySet())
        .containsExactlyInAnyOrder(
            "COMP-001 2024-02-03T00:00:00Z",
            "COMP-001 2024-02-03T00:20:00Z",
            "COMP-002 2024-02-04T13:05:00Z",
            "COMP-002 2024-02-05T23:59:59.999999Z",
            "COMP-099 2024-02-03T06:00:00Z");
  }

  @Test
  void firstOutputRowUsesTheWarmUpReadingAndThresholdsAtTheLimit() {
    Row r = row("COMP-001", "2024-02-03T00:00:00Z");
    assertThat(v(r, "vibration_mms")).isEqualTo(8.0);
    assertThat(v(r, "model")).isEqualTo("Ariel JGK/4");
    assertThat(v(r, "station_id")).isEqualTo("STN-001");
    assertThat(v(r, "rated_horsepower")).isEqualTo(1600.0);
    assertThat(v(r, "readings_1hr")).isEqualTo(2L);
    assertThat(v(r, "readings_24hr")).isEqualTo(2L);
    assertThat(v(r, "vibration_1hr_mean")).isEqualTo(7.0);
    assertThat((double) v(r, "vibration_1hr_std")).isCloseTo(Math.sqrt(2), within(1e-15));
    assertThat(v(r, "vibration_1hr_max")).isEqualTo(8.0);
    assertThat(v(r, "temp_1hr_mean")).isEqualTo(250.0);
    assertThat((double) v(r, "temp_1hr_std")).isCloseTo(Math.sqrt(200), within(1e-13));
    assertThat(v(r, "pressure_1hr_mean")).isEqualTo(1350.0);
    assertThat(v(r, "vibration_24hr_mean")).isEqualTo(7.0);
    assertThat(v(r, "temp_1hr_delta")).as("no reading in [22:50, 23:00]").isNull();
    assertThat(v(r, "pressure_differential")).isEqualTo(1380.0);
    assertThat(v(r, "hp_utilization")).isEqualTo(1.0);
    assertThat(v(r, "days_since_maintenance")).isEqualTo(0.5);
    assertThat(v(r, "vibration_status")).isEqualTo("critical");
    assertThat(v(r, "temp_status")).isEqualTo("critical");
    assertThat(v(r, "pressure_status")).isEqualTo("critical");
    assertThat(v(r, "overall_status")).isEqualTo("critical");
    assertThat(v(r, "hour_of_day")).isEqualTo(0);
    assertThat(v(r, "day_of_week")).as("2024-02-03 is a Saturday").isEqualTo(6);
    assertThat(v(r, "is_weekend")).isEqualTo(true);
    assertThat(v(r, "date").toString()).isEqualTo("2024-02-03");
    assertThat(v(r, "_run_id")).isEqualTo("run-1");
  }

  @Test
  void nullsAreIgnoredAndTheMaintenanceJustBeforeCounts() {
    Row r = row("COMP-001", "2024-02-03T00:20:00Z");
    assertThat(v(r, "vibration_mms")).isNull();
    assertThat(v(r, "readings_1hr")).as("23:20 is exactly 1h before: out").isEqualTo(2L);
    assertThat(v(r, "vibration_1hr_mean")).isEqualTo(8.0);
    assertThat(v(r, "vibration_1hr_std")).isNull();
    assertThat(v(r, "temp_1hr_mean")).isEqualTo(255.0);
    assertThat(v(r, "vibration_4hr_mean")).isEqualTo(7.0);
    assertThat(v(r, "temp_4hr_mean")).isEqualTo(250.0);
    assertThat((double) v(r, "pressure_24hr_mean")).isCloseTo(3700.0 / 3, within(1e-12));
    assertThat(v(r, "readings_24hr")).isEqualTo(3L);
    assertThat(v(r, "temp_1hr_delta")).as("(250 - 240) / 1 h").isEqualTo(10.0);
    assertThat(v(r, "hp_utilization")).isNull();
    assertThat((double) v(r, "days_since_maintenance")).isCloseTo(10.0 / 1440, within(1e-15));
    assertThat(v(r, "vibration_status")).isNull();
    assertThat(v(r, "temp_status")).isEqualTo("warning");
    assertThat(v(r, "pressure_status")).isEqualTo("normal");
    assertThat(v(r, "overall_status")).isEqualTo("warning");
  }

  @Test
  void calendarFieldsAndValuesJustBelowTheLimits() {
    Row sunday = row("COMP-002", "2024-02-04T13:05:00Z");
    assertThat(v(sunday, "hour_of_day")).isEqualTo(13);
    assertThat(v(sunday, "day_of_week")).isEqualTo(7);
    assertThat(v(sunday, "is_weekend")).isEqualTo(true);
    assertThat(v(sunday, "rated_horsepower")).isNull();
    assertThat(v(sunday, "hp_utilization")).isNull();
    assertThat(v(sunday, "days_since_maintenance")).isNull();
    assertThat(v(sunday, "model")).isEqualTo("Caterpillar G3516");
    Row monday = row("COMP-002", "2024-02-05T23:59:59.999999Z");
    assertThat(v(monday, "hour_of_day")).isEqualTo(23);
    assertThat(v(monday, "day_of_week")).isEqualTo(1);
    assertThat(v(monday, "is_weekend")).isEqualTo(false);
    assertThat(v(monday, "date").toString()).isEqualTo("2024-02-05");
    assertThat(v(monday, "readings_24hr")).as("13:05 the day before is > 24h ago").isEqualTo(1L);
    assertThat(v(monday, "vibration_status")).isEqualTo("normal");
    assertThat(v(monday, "temp_status")).isEqualTo("normal");
    assertThat(v(monday, "pressure_status")).isEqualTo("normal");
    assertThat(v(monday, "overall_status")).isEqualTo("normal");
    assertThat(v(monday, "vibration_24hr_mean")).isEqualTo(5.999);
  }

  @Test
  void aCompressorMissingFromTheMetadataKeepsItsReadings() {
    Row r = row("COMP-099", "2024-02-03T06:00:00Z");
    assertThat(v(r, "model")).isNull();
    assertThat(v(r, "station_id")).isNull();
    assertThat(v(r, "rated_horsepower")).isNull();
    assertThat(v(r, "hp_utilization")).isNull();
    assertThat(v(r, "vibration_1hr_mean")).isEqualTo(2.0);
    List<String> nonNull = new ArrayList<>();
    for (String c : CONTRACT_COLUMNS) {
      if (v(r, c) != null) {
        nonNull.add(c);
      }
    }
    assertThat(nonNull).contains("pressure_differential", "overall_status", "date", "_run_id");
  }
}
