package com.altaviz.etl.common;

import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * The one place that builds a SparkSession. No master is set here: {@code spark-submit --master}
 * (or {@code spark.master}) decides, so the same jar runs locally and on a cluster.
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
    return kernelLogStores(builder(appName, shufflePartitions).getOrCreate());
  }

  private static final String DELTA_LOG_STORE = "spark.delta.logStore.";
  private static final String KERNEL_LOG_STORE = "io.delta.kernel.logStore.";

  /**
   * Gives Delta Kernel (DeltaIo, DeltaFiles: driver-side log reads) the log store Delta's writer
   * uses for a scheme, e.g. {@code spark.delta.logStore.s3a.impl=io.delta.storage.
   * S3DynamoDBLogStore} (README.md, Lake on object storage): Kernel takes its own key from the
   * session's Hadoop configuration and would otherwise list an s3a log with its single-driver
   * default, blind to a commit a killed writer left in DynamoDB only.
   */
  static SparkSession kernelLogStores(SparkSession spark) {
    for (Tuple2<String, String> e : spark.sparkContext().getConf().getAll()) {
      String kernelKey = kernelLogStoreKey(e._1());
      if (kernelKey != null && spark.conf().getOption(kernelKey).isEmpty()) {
        spark.conf().set(kernelKey, e._2());
      }
    }
    return spark;
  }

  /** Kernel's key for Delta's {@code spark.delta.logStore.<scheme>.impl}, else null. */
  static String kernelLogStoreKey(String sparkKey) {
    if (!sparkKey.startsWith(DELTA_LOG_STORE) || !sparkKey.endsWith(".impl")) {
      return null;
    }
    String scheme = sparkKey.substring(DELTA_LOG_STORE.length(), sparkKey.length() - 5);
    return scheme.isEmpty() || scheme.contains(".") ? null : KERNEL_LOG_STORE + scheme + ".impl";
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
