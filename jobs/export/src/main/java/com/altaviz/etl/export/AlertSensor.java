package com.altaviz.etl.export;

import com.altaviz.etl.common.config.ThresholdsConfig;

/**
 * The sensors that raise alerts, with their limits from {@code thresholds:} (the same config gold
 * derives its status flags from). Gold's single {@code pressure_status} combines a high-side
 * (discharge) and a low-side (suction) limit; an alert needs one sensor's peak and limit, so the
 * two sides are separate alert sensors here.
 */
public enum AlertSensor {
  VIBRATION("vibration_mms", "vibration", "mm/s", Side.HIGH),
  DISCHARGE_TEMPERATURE("discharge_temp_f", "discharge temperature", "°F", Side.HIGH),
  DISCHARGE_PRESSURE("discharge_pressure_psi", "discharge pressure", "psi", Side.HIGH),
  SUCTION_PRESSURE("suction_pressure_psi", "suction pressure", "psi", Side.LOW);

  /** HIGH: a value at or above a limit is at that level; LOW: at or below. */
  public enum Side {
    HIGH,
    LOW
  }

  public final String column;
  public final String label;
  public final String unit;
  public final Side side;

  AlertSensor(String column, String label, String unit, Side side) {
    this.column = column;
    this.label = label;
    this.unit = unit;
    this.side = side;
  }

  public ThresholdsConfig.Level limits(ThresholdsConfig t) {
    return switch (this) {
      case VIBRATION -> t.vibrationMms;
      case DISCHARGE_TEMPERATURE -> t.dischargeTempF;
      case DISCHARGE_PRESSURE -> t.dischargePressurePsi;
      case SUCTION_PRESSURE -> t.suctionPressureLowPsi;
    };
  }

  /** +1 for high-side sensors, −1 for low-side ones: "worse" is always "larger" after signing. */
  public int sign() {
    return side == Side.HIGH ? 1 : -1;
  }

  public static AlertSensor ofColumn(String column) {
    for (AlertSensor s : values()) {
      if (s.column.equals(column)) {
        return s;
      }
    }
    throw new IllegalArgumentException("not an alert sensor: " + column);
  }
}
