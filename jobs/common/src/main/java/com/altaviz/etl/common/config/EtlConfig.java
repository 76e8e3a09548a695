package com.altaviz.etl.common.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Typed view of {@code config/etl_config.yaml}. Every key in the file binds to a field here; an
 * unknown key is an error, so nothing is declared and silently unused.
 */
public class EtlConfig {
  public SparkConfig spark = new SparkConfig();
  public SimulatorConfig simulator = new SimulatorConfig();
  public SilverConfig silver = new SilverConfig();
  public GoldConfig gold = new GoldConfig();
  public ThresholdsConfig thresholds = new ThresholdsConfig();
  public ExportConfig export = new ExportConfig();

  /** The check suite: name → check (docs/quality-and-features.md, "Check suite"). */
  public Map<String, CheckConfig> checks = CheckConfig.defaults();

  /** The checks a stage evaluates, in configuration order, by name. */
  public Map<String, CheckConfig> checks(String stage) {
    Map<String, CheckConfig> out = new LinkedHashMap<>();
    checks.forEach(
        (n, c) -> {
          if (c.stage().equals(stage)) {
            out.put(n, c);
          }
        });
    return out;
  }

  /** Cross-field checks Jackson cannot express; messages name the key. */
  void validate() {
    spark.validate();
    simulator.validate();
    silver.validate();
    gold.validate();
    thresholds.validate();
    export.validate();
    for (var e : checks.entrySet()) {
      require(e.getValue() != null, "checks." + e.getKey(), "needs kind, table and action");
      e.getValue().validate(e.getKey());
    }
  }

  static void require(boolean ok, String key, String problem) {
    if (!ok) {
      throw new ConfigException("config key '" + key + "' " + problem);
    }
  }
}
