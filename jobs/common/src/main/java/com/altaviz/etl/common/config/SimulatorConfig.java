package com.altaviz.etl.common.config;

/** Defect-injection rates of the simulator, as shares of all readings. */
public class SimulatorConfig {
  public double nullRate = 0.015;

  /** Share of the null-injected readings that have ALL sensors null. */
  public double allNullShare = 0.1;

  public double spikeRate = 0.001;
  public double duplicateRate = 0.005;
  public double lateRate = 0.01;

  /** Absolute number of future-dated readings (clock skew). */
  public int futureReadings = 5;

  void validate() {
    for (var e :
        java.util.Map.of(
                "null_rate", nullRate,
                "all_null_share", allNullShare,
                "spike_rate", spikeRate,
                "duplicate_rate", duplicateRate,
                "late_rate", lateRate)
            .entrySet()) {
      EtlConfig.require(
          e.getValue() >= 0 && e.getValue() <= 1, "simulator." + e.getKey(), "must be in [0, 1]");
    }
    EtlConfig.require(futureReadings >= 0, "simulator.future_readings", "must be >= 0");
  }
}
