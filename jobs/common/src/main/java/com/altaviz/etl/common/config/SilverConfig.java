package com.altaviz.etl.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Silver cleaning rules: actions and parameters. */
public class SilverConfig {
  /** Bronze rows up to this far before the interval start are re-read (late arrivals). */
  public int lookbackHours = 24;

  /** Readings later than interval end + this are future-dated (clock skew). */
  public int clockSkewMinutes = 5;

  /** Sensor cadence: expected readings per compressor (completeness), spike-context margin. */
  public int readingIntervalMinutes = 10;

  /** Rule name → action. Names are fixed by the silver job; values are configurable. */
  public Map<String, RuleAction> rules = defaultRules();

  /**
   * Physical range per sensor column and operating_hours, inclusive: [min, max]. NaN/±Inf are out
   * of range.
   */
  public Map<String, List<Double>> ranges = defaultRanges();

  public HampelConfig hampel = new HampelConfig();

  /** Hampel spike filter parameters. */
  public static class HampelConfig {
    /** Centred window length in readings (odd). */
    public int window = 7;

    /** Threshold in scaled MADs (1.4826 × MAD estimates σ for Gaussian noise). */
    public double thresholdMads = 4.0;
  }

  public static final List<String> RULE_NAMES =
      List.of(
          "schema",
          "null_keys",
          "unknown_compressor",
          "future_timestamp",
          "duplicates",
          "physical_range",
          "spike",
          "all_sensors_null");

  private static Map<String, RuleAction> defaultRules() {
    Map<String, RuleAction> m = new LinkedHashMap<>();
    m.put("schema", RuleAction.FAIL);
    m.put("null_keys", RuleAction.QUARANTINE);
    m.put("unknown_compressor", RuleAction.QUARANTINE);
    m.put("future_timestamp", RuleAction.QUARANTINE);
    m.put("duplicates", RuleAction.DROP);
    m.put("physical_range", RuleAction.QUARANTINE);
    m.put("spike", RuleAction.QUARANTINE);
    m.put("all_sensors_null", RuleAction.QUARANTINE);
    return m;
  }

  private static Map<String, List<Double>> defaultRanges() {
    Map<String, List<Double>> m = new LinkedHashMap<>();
    m.put("vibration_mms", List.of(0.0, 50.0));
    m.put("discharge_temp_f", List.of(-40.0, 500.0));
    m.put("suction_pressure_psi", List.of(0.0, 500.0));
    m.put("discharge_pressure_psi", List.of(0.0, 3000.0));
    m.put("horsepower_consumption", List.of(0.0, 10000.0));
    m.put("gas_flow_mcf", List.of(0.0, 100000.0));
    m.put("operating_hours", List.of(0.0, 1000000.0));
    return m;
  }

  public RuleAction action(String rule) {
    return rules.get(rule);
  }

  void validate() {
    EtlConfig.require(lookbackHours >= 0, "silver.lookback_hours", "must be >= 0");
    EtlConfig.require(clockSkewMinutes >= 0, "silver.clock_skew_minutes", "must be >= 0");
    EtlConfig.require(readingIntervalMinutes > 0, "silver.reading_interval_minutes", "must be > 0");
    for (String name : rules.keySet()) {
      EtlConfig.require(
          RULE_NAMES.contains(name), "silver.rules." + name, "is not a rule; rules: " + RULE_NAMES);
    }
    for (String name : RULE_NAMES) {
      EtlConfig.require(rules.get(name) != null, "silver.rules." + name, "is missing");
    }
    for (var e : ranges.entrySet()) {
      List<Double> r = e.getValue();
      EtlConfig.require(
          r != null && r.size() == 2 && r.get(0) < r.get(1),
          "silver.ranges." + e.getKey(),
          "must be [min, max] with min < max");
    }
    EtlConfig.require(
        hampel.window >= 3 && hampel.window % 2 == 1,
        "silver.hampel.window",
        "must be odd and >= 3");
    EtlConfig.require(hampel.thresholdMads > 0, "silver.hampel.threshold_mads", "must be > 0");
  }
}
