package com.altaviz.etl.export;

import com.altaviz.etl.common.RunLedger;
import com.altaviz.etl.common.Schemas;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The tables of {@code compressor_health} the export writes, in the order it writes them, with the
 * columns and types of the rows the export produces for each. {@link CopyEncoder} checks them
 * against the migrated database before a run writes anything.
 */
public final class ExportTables {
  public static final String RUN_ID = "run_id";

  public static final PgTable STATIONS =
      new PgTable("stations", withRunId(Schemas.STATIONS), List.of("station_id"), RUN_ID);

  public static final PgTable COMPRESSOR_METADATA =
      new PgTable(
          "compressor_metadata",
          withRunId(Schemas.COMPRESSOR_METADATA),
          List.of("compressor_id"),
          RUN_ID);

  public static final PgTable MAINTENANCE_EVENTS =
      new PgTable(
          "maintenance_events",
          withRunId(Schemas.MAINTENANCE_LOGS),
          List.of("maintenance_id"),
          RUN_ID);

  public static final PgTable SENSOR_READINGS_AGG =
      new PgTable(
          "sensor_readings_agg",
          withRunId(SensorAggregates.schema()),
          List.of("compressor_id", "window_type", "agg_timestamp"),
          RUN_ID);

  /** Only the columns the export owns: the operator columns are absent on purpose. */
  public static final PgTable ALERT_HISTORY =
      new PgTable(
          "alert_history",
          new StructType()
              .add("compressor_id", DataTypes.StringType)
              .add("sensor", DataTypes.StringType)
              .add("started_at", DataTypes.TimestampType)
              .add("ended_at", DataTypes.TimestampType)
              .add("last_abnormal_at", DataTypes.TimestampType)
              .add("severity", DataTypes.StringType)
              .add("peak_value", DataTypes.DoubleType)
              .add("peak_at", DataTypes.TimestampType)
              .add("threshold_value", DataTypes.DoubleType)
              .add("abnormal_readings", DataTypes.IntegerType)
              .add("message", DataTypes.StringType)
              .add("superseded", DataTypes.BooleanType)
              .add(RUN_ID, DataTypes.StringType),
          List.of("compressor_id", "sensor", "started_at"),
          RUN_ID);

  /** Mirror of {@code ops/quality_metrics}, in the database's column order. */
  public static final PgTable DATA_QUALITY_METRICS =
      new PgTable(
          "data_quality_metrics",
          select(
              Schemas.QUALITY_METRICS,
              "run_id",
              "stage",
              "metric",
              "column_name",
              "interval_start",
              "interval_end",
              "value",
              "limit_value",
              "status",
              "computed_at",
              "check_name",
              "kind",
              "table_name",
              "scope",
              "lower_bound",
              "upper_bound",
              "p_value",
              "action",
              "message"),
          List.of("run_id", "stage", "metric", "column_name", "scope"),
          null);

  /** Mirror of {@code ops/pipeline_runs}, in the database's column order. */
  public static final PgTable PIPELINE_RUNS =
      new PgTable(
          "pipeline_runs",
          select(
              RunLedger.SCHEMA,
              "run_id",
              "stage",
              "started_at",
              "interval_start",
              "interval_end",
              "input_table",
              "input_version",
              "output_table",
              "output_version",
              "rows_in",
              "rows_out",
              "rows_quarantined",
              "status",
              "message",
              "finished_at",
              "duration_ms",
              "spark_app_id"),
          List.of("run_id", "stage", "started_at"),
          null);

  /** Write order: dimensions, facts, then the mirrors of the ops tables. */
  public static final List<PgTable> ALL =
      List.of(
          STATIONS,
          COMPRESSOR_METADATA,
          MAINTENANCE_EVENTS,
          SENSOR_READINGS_AGG,
          ALERT_HISTORY,
          DATA_QUALITY_METRICS,
          PIPELINE_RUNS);

  private ExportTables() {}

  public static PgTable byName(String name) {
    for (PgTable t : ALL) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  private static StructType withRunId(StructType s) {
    return s.add(RUN_ID, DataTypes.StringType);
  }

  /** {@code names} of {@code contract}, with the contract's types, in that order. */
  private static StructType select(StructType contract, String... names) {
    StructType s = new StructType();
    for (String n : names) {
      DataType t = contract.apply(n).dataType();
      s = s.add(n, t);
    }
    return s;
  }
}
