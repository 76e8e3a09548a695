package com.altaviz.etl.gold;

import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Session settings for gold's write through Delta's writer: runtime SQL confs that cut that
 * writer's fixed and per-value costs.
 */
final class GoldSettings {
  private GoldSettings() {}

  /**
   * Columns whose values are (nearly) all distinct. Parquet would first dictionary-encode each of
   * them (hashing every value: a file of a few 10k rows never reaches the 1 MB dictionary limit
   * that triggers the fallback) and then, finding the dictionary no smaller, re-encode the page
   * plainly: twice the work for nothing.
   */
  static final List<String> HIGH_CARDINALITY =
      List.of(
          "timestamp",
          "vibration_mms",
          "discharge_temp_f",
          "suction_pressure_psi",
          "discharge_pressure_psi",
          "horsepower_consumption",
          "gas_flow_mcf",
          "operating_hours",
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
          "temp_1hr_delta",
          "pressure_differential",
          "hp_utilization",
          "days_since_maintenance");

  /** Data-skipping statistics are kept for the columns readers filter on. */
  static final String STATS_COLUMNS = "compressor_id,timestamp";

  static void apply(SparkSession spark) {
    // Rows leave the feature pass in compressor order, not date order. Without concurrent
    // writers Spark would sort the whole output by the partition column before writing; with
    // them each task keeps one open file per date (a week is 8 dates), falling back to the sort
    // beyond this many.
    spark.conf().set("spark.sql.maxConcurrentOutputFileWriters", "32");
    // SQL confs reach the Hadoop configuration of the write (SessionState.newHadoopConf), so
    // these parquet-mr per-column settings apply to this session's writes.
    for (String column : HIGH_CARDINALITY) {
      spark.conf().set("parquet.enable.dictionary#" + column, "false");
    }
    // Delta collects min/max/null-count statistics of the first 32 columns of every file by
    // default, a per-row projection over 32 columns; the gold table (created by the first run)
    // keeps them for the filter columns only. Applies to tables created by this session.
    spark
        .conf()
        .set("spark.databricks.delta.properties.defaults.dataSkippingStatsColumns", STATS_COLUMNS);
  }
}
