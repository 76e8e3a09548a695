package com.altaviz.etl.gold;

import com.altaviz.etl.common.config.ThresholdsConfig;
import java.io.Serializable;

/**
 * Status levels from the configured thresholds (README.md, Gold status flags): a value equal to a
 * limit is at that level; suction pressure is a low-side limit (at or below). A null sensor value
 * gives a null level — unknown, not normal: a reading silver nulled must not look healthy. The
 * combined statuses take the worst of the known levels and are null only when none is known.
 */
public final class StatusFlags implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Ordered from best to worst, so the worst of several is the greatest ordinal. */
  public enum Level {
    NORMAL("normal"),
    WARNING("warning"),
    CRITICAL("critical");

    public final String label;

    Level(String label) {
      this.label = label;
    }
  }

  private final double vibrationWarning;
  private final double vibrationCritical;
  private final double tempWarning;
  private final double tempCritical;
  private final double dischargeWarning;
  private final double dischargeCritical;
  private final double suctionWarning;
  private final double suctionCritical;

  public StatusFlags(ThresholdsConfig t) {
    vibrationWarning = t.vibrationMms.warning;
    vibrationCritical = t.vibrationMms.critical;
    tempWarning = t.dischargeTempF.warning;
    tempCritical = t.dischargeTempF.critical;
    dischargeWarning = t.dischargePressurePsi.warning;
    dischargeCritical = t.dischargePressurePsi.critical;
    suctionWarning = t.suctionPressureLowPsi.warning;
    suctionCritical = t.suctionPressureLowPsi.critical;
  }

  /** vibration_status; null for a null (NaN) value. */
  public Level vibration(double mms) {
    return high(mms, vibrationWarning, vibrationCritical);
  }

  /** temp_status (discharge temperature); null for a null (NaN) value. */
  public Level temperature(double f) {
    return high(f, tempWarning, tempCritical);
  }

  /** pressure_status: the worse of discharge-pressure high and suction-pressure low. */
  public Level pressure(double dischargePsi, double suctionPsi) {
    return worst(
        high(dischargePsi, dischargeWarning, dischargeCritical),
        low(suctionPsi, suctionWarning, suctionCritical));
  }

  /** The worst non-null level, or null when every level is null. */
  public static Level worst(Level a, Level b, Level c) {
    return worst(worst(a, b), c);
  }

  /**
   * The worse non-null level of two, or null when both are null (no varargs: gold calls this per
   * reading, in C1-compiled code that would allocate each array).
   */
  public static Level worst(Level a, Level b) {
    if (a == null) {
      return b;
    }
    return b == null || a.ordinal() >= b.ordinal() ? a : b;
  }

  static Level high(double x, double warning, double critical) {
    if (Double.isNaN(x)) {
      return null;
    }
    return x >= critical ? Level.CRITICAL : x >= warning ? Level.WARNING : Level.NORMAL;
  }

  static Level low(double x, double warning, double critical) {
    if (Double.isNaN(x)) {
      return null;
    }
    return x <= critical ? Level.CRITICAL : x <= warning ? Level.WARNING : Level.NORMAL;
  }
}
