package com.altaviz.etl.export;

import com.altaviz.etl.common.config.ThresholdsConfig;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The human-readable {@code alert_history.message}, e.g. "COMP-003 vibration critical: peak 9.12
 * mm/s ≥ 8.0 at 2024-02-05 06:30 UTC (warning from 2024-02-04 21:10, critical from 2024-02-05 02:00
 * UTC; cleared 2024-02-05 11:40 UTC)". Never null or empty: the column is {@code NOT NULL CHECK
 * (message <> '')}.
 */
public final class AlertMessages {
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private AlertMessages() {}

  public static String describe(Episode e, ThresholdsConfig thresholds) {
    AlertSensor s = e.sensor();
    boolean high = s.side == AlertSensor.Side.HIGH;
    StringBuilder m = new StringBuilder();
    m.append(e.compressorId()).append(' ').append(s.label).append(' ').append(e.severity());
    m.append(": ").append(high ? "peak " : "low ").append(value(e.peakValue())).append(' ');
    m.append(s.unit).append(high ? " ≥ " : " ≤ ").append(limit(e.threshold(thresholds)));
    m.append(" at ").append(time(e.peakAt())).append(" UTC (");
    if (e.warningFrom() != null) {
      m.append("warning from ").append(time(e.warningFrom()));
    }
    if (e.criticalFrom() != null) {
      m.append(e.warningFrom() != null ? ", " : "").append("critical from ");
      m.append(time(e.criticalFrom()));
    }
    m.append(" UTC; ");
    m.append(e.endedAt() == null ? "ongoing" : "cleared " + time(e.endedAt()) + " UTC");
    m.append(')');
    return m.toString();
  }

  private static String value(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** Limits as configured: 8.0, 1300.0, 6.25. */
  private static String limit(double v) {
    return v == Math.rint(v) ? String.format(Locale.ROOT, "%.1f", v) : Double.toString(v);
  }

  private static String time(Instant i) {
    return MINUTE.format(i);
  }
}
