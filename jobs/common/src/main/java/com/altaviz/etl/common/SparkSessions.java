package com.altaviz.etl.common;

import org.apache.spark.sql.SparkSession;

/**
 * The one place that builds a SparkSession. No master is set here: {@code spark-submit
 * --master} (or {@code spark.master}) decides, so the same jar runs locally and on a cluster.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession.Builder builder(String appName, int shufflePartitions) {
    return SparkSession.builder()
        .appName(appName)
        // Delta Lake as the SQL extension and default catalog (DeltaTable API, SQL commands).
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        // All timestamps in the data contract are UTC; never the driver's local zone.
        .config("spark.sql.session.timeZone", "UTC")
        // A day of readings is small; AQE coalesces further at run time.
        .config("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions))
        .config("spark.sql.adaptive.enabled", "true")
        // Delta's snapshot state is tiny here; its default of 50 partitions costs seconds per read.
        .config("spark.databricks.delta.snapshotPartitions", "2")
        // Progress bars garble logs under Airflow.
        .config("spark.ui.showConsoleProgress", "false")
        // Parquet timestamps in microseconds, matching the data contract (not INT96).
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        // Dates and timestamps are proleptic Gregorian everywhere (gateways, Spark 3, delta-rs).
        // Spark's default refuses a Parquet file without Spark's own metadata once it holds a
        // date before 1582-10-15 or a timestamp before 1900 (an unset gateway clock reads
        // 0001-01-01), and refuses to write such a value: read and write them as they are, so
        // silver can quarantine the reading instead of the whole delivery failing.
        .config("spark.sql.parquet.datetimeRebaseModeInRead", "CORRECTED")
        .config("spark.sql.parquet.int96RebaseModeInRead", "CORRECTED")
        .config("spark.sql.parquet.datetimeRebaseModeInWrite", "CORRECTED")
        .config("spark.sql.parquet.int96RebaseModeInWrite", "CORRECTED");
  }

  /** Session for a job run under spark-submit. */
  public static SparkSession create(String appName, int shufflePartitions) {
    return builder(appName, shufflePartitions).getOrCreate();
  }

  /** Session for tests and benchmarks: the same settings on {@code local[2]}, no UI. */
  public static SparkSession local(String appName) {
    return builder(appName, 2)
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
  }
}
