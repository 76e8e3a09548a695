package com.altaviz.etl.common.config;

/**
 * Typed view of {@code config/etl_config.yaml}. Every key in the file binds to a field here; an
 * unknown key is an error, so nothing is declared and silently unused.
 */
public class EtlConfig {
  public SparkConfig spark = new SparkConfig();
  public SimulatorConfig simulator = new SimulatorConfig();
  public SilverConfig silver = new SilverConfig();
  public QualityConfig quality = new QualityConfig();
  public GoldConfig gold = new GoldConfig();
  public ThresholdsConfig thresholds = new ThresholdsConfig();
  public ExportConfig export = new ExportConfig();

  /** Cross-field checks Jackson cannot express; messages name the key. */
  void validate() {
    spark.validate();
    simulator.validate();
    silver.validate();
    quality.validate();
    gold.validate();
    thresholds.validate();
    export.validate();
  }

  static void require(boolean ok, String key, String problem) {
    if (!ok) {
      throw new ConfigException("config key '" + key + "' " + problem);
    }
  }
}
