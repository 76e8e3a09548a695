package com.altaviz.etl.common.config;

/** Gold feature settings. Thresholds live in {@link ThresholdsConfig}. */
public class GoldConfig {
  /** Extra silver history read before the output range so 24h windows start warm. */
  public int warmupHours = 24;

  void validate() {
    EtlConfig.require(warmupHours >= 0, "gold.warmup_hours", "must be >= 0");
  }
}
