package com.altaviz.etl.common;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Explicit schemas of the data contract. Nothing in the pipeline infers one. */
public final class Schemas {
  private Schemas() {}

  /** The six sensor columns, in contract order. */
  public static final List<String> SENSOR_COLUMNS =
      List.of(
          "vibration_mms",
          "discharge_temp_f",
          "suction_pressure_psi",
          "discharge_pressure_psi",
          "horsepower_consumption",
          "gas_flow_mcf");

  /** Raw landing Parquet: nine columns, in this order. */
  public static final StructType RAW_SENSOR_READINGS =
      new StructType()
          .add("compressor_id", DataTypes.StringType)
          .add("timestamp", DataTypes.TimestampType)
          .add("vibration_mms", DataTypes.DoubleType)
          .add("discharge_temp_f", DataTypes.DoubleType)
          .add("suction_pressure_psi", DataTypes.DoubleType)
          .add("discharge_pressure_psi", DataTypes.DoubleType)
          .add("horsepower_consumption", DataTypes.DoubleType)
          .add("gas_flow_mcf", DataTypes.DoubleType)
          .add("operating_hours", DataTypes.DoubleType);

  /** Lineage columns bronze adds to every row. */
  public static final String INGESTED_AT = "_ingested_at";

  public static final String SOURCE_FILE = "_source_file";
  public static final String RUN_ID = "_run_id";

  public static final StructType COMPRESSOR_METADATA =
      new StructType()
          .add("compressor_id", DataTypes.StringType)
          .add("model", DataTypes.StringType)
          .add("horsepower", DataTypes.DoubleType)
          .add("install_date", DataTypes.DateType)
          .add("station_id", DataTypes.StringType);

  public static final StructType MAINTENANCE_LOGS =
      new StructType()
          .add("maintenance_id", DataTypes.StringType)
          .add("compressor_id", DataTypes.StringType)
          .add("maintenance_type", DataTypes.StringType)
          .add("description", DataTypes.StringType)
          .add("performed_at", DataTypes.TimestampType)
          .add("cost_usd", DataTypes.DoubleType)
          .add("performed_by", DataTypes.StringType)
          .add("notes", DataTypes.StringType);

  public static final StructType STATIONS =
      new StructType()
          .add("station_id", DataTypes.StringType)
          .add("station_name", DataTypes.StringType)
          .add("latitude", DataTypes.DoubleType)
          .add("longitude", DataTypes.DoubleType)
          .add("region", DataTypes.StringType)
          .add("state", DataTypes.StringType);

  /** The rolling-window features of gold, in contract order (all doubles). */
  public static final List<String> GOLD_WINDOW_FEATURES =
      List.of(
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
          "pressure_24hr_mean");

  /**
   * {@code gold/sensor_features}, partitioned by {@code date}: the contract between gold (which
   * writes exactly this), export (which reads some of it) and their tests. Every column is
   * nullable; status columns are {@code normal | warning | critical}, null when the sensor is.
   */
  public static final StructType GOLD_FEATURES = goldFeatures();

  private static StructType goldFeatures() {
    StructType s =
        new StructType()
            .add("compressor_id", DataTypes.StringType)
            .add("timestamp", DataTypes.TimestampType);
    for (String sensor : SENSOR_COLUMNS) {
      s = s.add(sensor, DataTypes.DoubleType);
    }
    s =
        s.add("operating_hours", DataTypes.DoubleType)
            .add("model", DataTypes.StringType)
            .add("station_id", DataTypes.StringType)
            .add("rated_horsepower", DataTypes.DoubleType);
    for (String feature : GOLD_WINDOW_FEATURES) {
      s = s.add(feature, DataTypes.DoubleType);
    }
    return s.add("readings_1hr", DataTypes.LongType)
        .add("readings_24hr", DataTypes.LongType)
        .add("temp_1hr_delta", DataTypes.DoubleType)
        .add("pressure_differential", DataTypes.DoubleType)
        .add("hp_utilization", DataTypes.DoubleType)
        .add("days_since_maintenance", DataTypes.DoubleType)
        .add("vibration_status", DataTypes.StringType)
        .add("temp_status", DataTypes.StringType)
        .add("pressure_status", DataTypes.StringType)
        .add("overall_status", DataTypes.StringType)
        .add("hour_of_day", DataTypes.IntegerType)
        .add("day_of_week", DataTypes.IntegerType)
        .add("is_weekend", DataTypes.BooleanType)
        .add("date", DataTypes.DateType)
        .add(RUN_ID, DataTypes.StringType);
  }

  /** {@code ops/quality_metrics}: one row per run, metric and column (or compressor). */
  public static final StructType QUALITY_METRICS =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("stage", DataTypes.StringType, false)
          .add("interval_start", DataTypes.TimestampType)
          .add("interval_end", DataTypes.TimestampType)
          .add("metric", DataTypes.StringType, false)
          .add("column_name", DataTypes.StringType, false)
          .add("value", DataTypes.DoubleType)
          .add("limit_value", DataTypes.DoubleType)
          .add("status", DataTypes.StringType, false)
          .add("computed_at", DataTypes.TimestampType, false)
          // Check-suite columns, appended (nullable) so older lakes evolve in place
          // (docs/quality-and-features.md, "Check suite").
          .add("check_name", DataTypes.StringType)
          .add("kind", DataTypes.StringType)
          .add("table_name", DataTypes.StringType)
          .add("scope", DataTypes.StringType)
          .add("lower_bound", DataTypes.DoubleType)
          .add("upper_bound", DataTypes.DoubleType)
          .add("p_value", DataTypes.DoubleType)
          .add("action", DataTypes.StringType)
          .add("message", DataTypes.StringType);

  /** The ten columns ops/quality_metrics had before the check suite. */
  public static final int QUALITY_METRICS_BASE_COLUMNS = 10;
}
