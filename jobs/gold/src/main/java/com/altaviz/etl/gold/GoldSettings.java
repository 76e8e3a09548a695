package com.altaviz.etl.gold;

import org.apache.spark.sql.SparkSession;

/** Session settings of the gold run (runtime SQL confs, set before anything is planned). */
final class GoldSettings {
  private GoldSettings() {}

  static void apply(SparkSession spark) {
    // Rows leave the feature pass in compressor order, not date order. Without concurrent
    // writers Spark would sort the whole output by the partition column before writing; with
    // them each task keeps one open file per date (a week is 8 dates), falling back to the sort
    // beyond this many.
    spark.conf().set("spark.sql.maxConcurrentOutputFileWriters", "32");
  }
}
