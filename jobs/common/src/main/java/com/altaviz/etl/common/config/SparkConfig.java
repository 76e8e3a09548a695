package com.altaviz.etl.common.config;

/** Session settings that depend on data size, not on the cluster. */
public class SparkConfig {
  /** Shuffle partitions; small by default because a day of data is small (AQE coalesces). */
  public int shufflePartitions = 8;

  void validate() {
    EtlConfig.require(shufflePartitions > 0, "spark.shuffle_partitions", "must be > 0");
  }
}
