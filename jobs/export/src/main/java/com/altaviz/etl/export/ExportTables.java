package com.altaviz.etl.export;

import java.util.ArrayList;
import java.util.List;

/** The tables of {@code compressor_health} the export writes, in the order it writes them. */
public final class ExportTables {
  public static final String RUN_ID = "run_id";

  public static final PgTable STATIONS =
      new PgTable(
          "stations",
          List.of("station_id", "station_name", "latitude", "longitude", "region", "state", RUN_ID),
          List.of("station_id"),
          RUN_ID);

  public static final PgTable COMPRESSOR_METADATA =
      new PgTable(
          "compressor_metadata",
          List.of("compressor_id", "model", "horsepower", "install_date", "station_id", RUN_ID),
          List.of("compressor_id"),
          RUN_ID);

  public static final PgTable MAINTENANCE_EVENTS =
      new PgTable(
          "maintenance_events",
          List.of(
              "maintenance_id",
              "compressor_id",
              "maintenance_type",
              "description",
              "performed_at",
              "cost_usd",
              "performed_by",
              "notes",
              RUN_ID),
          List.of("maintenance_id"),
          RUN_ID);

  public static final PgTable SENSOR_READINGS_AGG =
      new PgTable(
          "sensor_readings_agg",
          withRunId(SensorAggregates.columns()),
          List.of("compressor_id", "window_type", "agg_timestamp"),
          RUN_ID);

  /** Only the columns the export owns: the operator columns are absent on purpose. */
  public static final PgTable ALERT_HISTORY =
      new PgTable(
          "alert_history",
          List.of(
              "compressor_id",
              "sensor",
              "started_at",
              "ended_at",
              "last_abnormal_at",
              "severity",
              "peak_value",
              "peak_at",
              "threshold_value",
              "abnormal_readings",
              "message",
              "superseded",
              RUN_ID),
          List.of("compressor_id", "sensor", "started_at"),
          RUN_ID);

  public static final PgTable DATA_QUALITY_METRICS =
      new PgTable(
          "data_quality_metrics",
          List.of(
              "run_id",
              "stage",
              "metric",
              "column_name",
              "interval_start",
              "interval_end",
              "value",
              "limit_value",
              "status",
              "computed_at"),
          List.of("run_id", "stage", "metric", "column_name"),
          null);

  public static final PgTable PIPELINE_RUNS =
      new PgTable(
          "pipeline_runs",
          List.of(
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

  private static List<String> withRunId(List<String> cols) {
    List<String> c = new ArrayList<>(cols);
    c.add(RUN_ID);
    return c;
  }
}
