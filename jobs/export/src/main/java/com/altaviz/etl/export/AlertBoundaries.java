package com.altaviz.etl.export;

import com.altaviz.etl.common.config.ThresholdsConfig;
import java.io.Serializable;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * The boundary readings of one sensor series: one compressor's readings of one alert sensor in time
 * order in, the rows the episodes need out (see {@link AlertEpisodes#boundaryReadings}).
 *
 * <p>Valid readings (not null, not NaN) are numbered 1…n. Kept are every non-normal reading, the
 * reading right after each non-normal one (its timestamp ends an episode), and the {@code
 * closeAfter}-th reading, or the last one when there are fewer. A kept reading whose successor (rn
 * + 1) is kept as well learns that successor's timestamp ({@code nextTs}); every kept reading
 * learns n. Plain Java, no Spark: {@link AlertEpisodes} applies it to each compressor's readings.
 */
final class AlertBoundaries implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One kept reading; {@code signedValue} is the value with the sensor's sign. */
  record Boundary(
      String compressorId,
      String sensor,
      Timestamp timestamp,
      double value,
      double signedValue,
      int level,
      long rn,
      long n,
      Timestamp nextTs) {

    /** The row in {@link AlertEpisodes#BOUNDARY_SCHEMA} order. */
    Object[] values() {
      return new Object[] {
        compressorId, sensor, timestamp, value, signedValue, level, rn, n, nextTs
      };
    }
  }

  private final int closeAfter;
  private final double[] warning = new double[AlertSensor.values().length];
  private final double[] critical = new double[AlertSensor.values().length];

  AlertBoundaries(ThresholdsConfig thresholds, int closeAfter) {
    if (closeAfter < 1) {
      throw new IllegalArgumentException("closeAfter must be at least 1, not " + closeAfter);
    }
    this.closeAfter = closeAfter;
    for (AlertSensor s : AlertSensor.values()) {
      ThresholdsConfig.Level l = s.limits(thresholds);
      warning[s.ordinal()] = l.warning * s.sign();
      critical[s.ordinal()] = l.critical * s.sign();
    }
  }

  /** {@link SensorLevels}' rule on a signed value. */
  int level(AlertSensor sensor, double signedValue) {
    return signedValue >= critical[sensor.ordinal()]
        ? SensorLevels.CRITICAL
        : signedValue >= warning[sensor.ordinal()] ? SensorLevels.WARNING : SensorLevels.NORMAL;
  }

  /**
   * The boundary readings of one series. {@code times} are in ascending order; {@code values[i]} is
   * the reading at {@code times[i]}, null or NaN when it has no valid value (it is skipped: no
   * number, no evidence either way).
   */
  List<Boundary> series(
      String compressorId, AlertSensor sensor, Timestamp[] times, Double[] values) {
    if (times.length != values.length) {
      throw new IllegalArgumentException(times.length + " times but " + values.length + " values");
    }
    List<Mutable> kept = new ArrayList<>();
    Mutable last = null;
    boolean lastKept = false;
    int prevLevel = SensorLevels.NORMAL;
    long n = 0;
    for (int i = 0; i < times.length; i++) {
      Double v = values[i];
      if (v == null || v.isNaN()) {
        continue;
      }
      n++;
      double signed = v * sensor.sign();
      Mutable r = new Mutable(times[i], v, signed, level(sensor, signed), n);
      lastKept =
          r.level > SensorLevels.NORMAL || prevLevel > SensorLevels.NORMAL || n == closeAfter;
      if (lastKept) {
        keep(kept, r);
      }
      last = r;
      prevLevel = r.level;
    }
    if (n > 0 && n < closeAfter && !lastKept) {
      keep(kept, last);
    }
    List<Boundary> out = new ArrayList<>(kept.size());
    for (Mutable k : kept) {
      out.add(
          new Boundary(
              compressorId, sensor.column, k.ts, k.value, k.signed, k.level, k.rn, n, k.nextTs));
    }
    return out;
  }

  private static void keep(List<Mutable> kept, Mutable r) {
    if (!kept.isEmpty()) {
      Mutable previous = kept.get(kept.size() - 1);
      if (previous.rn == r.rn - 1) {
        previous.nextTs = r.ts;
      }
    }
    kept.add(r);
  }

  /** A kept reading before n and its successor are known. */
  private static final class Mutable {
    final Timestamp ts;
    final double value;
    final double signed;
    final int level;
    final long rn;
    Timestamp nextTs;

    Mutable(Timestamp ts, double value, double signed, int level, long rn) {
      this.ts = ts;
      this.value = value;
      this.signed = signed;
      this.level = level;
      this.rn = rn;
    }
  }
}
