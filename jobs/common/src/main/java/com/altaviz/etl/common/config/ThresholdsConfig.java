package com.altaviz.etl.common.config;

/**
 * Alert thresholds shared by gold status flags and export alert episodes. A value equal to a limit
 * is at that level (for suction, low: a value equal to or below the limit).
 */
public class ThresholdsConfig {
  public Level vibrationMms = new Level(6.0, 8.0);
  public Level dischargeTempF = new Level(240.0, 260.0);
  public Level dischargePressurePsi = new Level(1300.0, 1400.0);

  /** Low-side limits: warning at or below 30, critical at or below 20. */
  public Level suctionPressureLowPsi = new Level(30.0, 20.0);

  /** Warning and critical limits of one sensor. */
  public static class Level {
    public double warning;
    public double critical;

    public Level() {}

    public Level(double warning, double critical) {
      this.warning = warning;
      this.critical = critical;
    }
  }

  void validate() {
    high("vibration_mms", vibrationMms);
    high("discharge_temp_f", dischargeTempF);
    high("discharge_pressure_psi", dischargePressurePsi);
    EtlConfig.require(
        suctionPressureLowPsi.critical < suctionPressureLowPsi.warning,
        "thresholds.suction_pressure_low_psi",
        "needs critical < warning (low-side limit)");
  }

  private static void high(String key, Level l) {
    EtlConfig.require(l.warning < l.critical, "thresholds." + key, "needs warning < critical");
  }
}
