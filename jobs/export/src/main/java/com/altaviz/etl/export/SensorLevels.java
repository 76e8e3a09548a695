package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import com.altaviz.etl.common.config.ThresholdsConfig;
import org.apache.spark.sql.Column;

/**
 * The level of a sensor value — 0 normal, 1 warning, 2 critical — by the {@code thresholds:} rule
 * gold's status flags follow: a value equal to a limit is at that level (for the low-side suction
 * pressure: equal or below). A null value (rejected or missing) has no level: it is no evidence
 * that a condition ended, so it neither extends nor closes an episode.
 */
public final class SensorLevels {
  public static final int NORMAL = 0;
  public static final int WARNING = 1;
  public static final int CRITICAL = 2;

  private SensorLevels() {}

  /** {@code value}, or null when it is null or NaN (silver nulls NaN; never a reading). */
  public static Column valid(Column value) {
    Column v = value.cast("double");
    return when(v.isNotNull().and(not(isnan(v))), v);
  }

  /** The value with the sensor's sign: "worse" is always "larger" (see {@link AlertSensor}). */
  public static Column signed(Column validValue, AlertSensor s) {
    return validValue.multiply(lit((double) s.sign()));
  }

  /** The level of a {@link #valid} value, null when it is null. */
  public static Column level(Column validValue, AlertSensor s, ThresholdsConfig t) {
    ThresholdsConfig.Level l = s.limits(t);
    Column signed = signed(validValue, s);
    return when(validValue.isNull(), lit(null).cast("int"))
        .when(signed.geq(lit(l.critical * s.sign())), lit(CRITICAL))
        .when(signed.geq(lit(l.warning * s.sign())), lit(WARNING))
        .otherwise(lit(NORMAL));
  }
}
