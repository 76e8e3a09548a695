package com.altaviz.etl.gold;

/**
 * The gold rolling features as DuckDB SQL over silver exported to Parquet: the independent
 * reference of the cross-check test and the comparison query of the benchmark. Windows are {@code
 * RANGE} frames over epoch microseconds, {@code W − 1 µs PRECEDING AND CURRENT ROW}, i.e. exactly
 * {@code (t − W, t]} at the contract's microsecond precision.
 */
final class DuckDbReference {
  private DuckDbReference() {}

  private static final long HOUR = 3_600_000_000L;

  /**
   * The twelve rolling features of gold ({@link RollingFeatures}) and the two coverage counts,
   * keyed by compressor_id and us (epoch µs).
   */
  static String rollingFeatures(String parquetGlob) {
    return twelveFeatures(parquetGlob)
        .replace(
            " FROM s WINDOW ",
            ", count(*) OVER h1 AS readings_1hr, count(*) OVER h24 AS readings_24hr FROM s WINDOW ");
  }

  /** The twelve rolling features of gold (the benchmark query). */
  static String twelveFeatures(String parquetGlob) {
    return "WITH s AS (SELECT compressor_id, epoch_us(\"timestamp\") AS us, vibration_mms AS v, "
        + "discharge_temp_f AS tp, discharge_pressure_psi AS p FROM read_parquet('"
        + parquetGlob
        + "')) SELECT compressor_id, us, "
        + "avg(v) OVER h1 AS vibration_1hr_mean, stddev_samp(v) OVER h1 AS vibration_1hr_std, "
        + "max(v) OVER h1 AS vibration_1hr_max, avg(tp) OVER h1 AS temp_1hr_mean, "
        + "stddev_samp(tp) OVER h1 AS temp_1hr_std, avg(p) OVER h1 AS pressure_1hr_mean, "
        + "avg(v) OVER h4 AS vibration_4hr_mean, avg(tp) OVER h4 AS temp_4hr_mean, "
        + "avg(p) OVER h4 AS pressure_4hr_mean, avg(v) OVER h24 AS vibration_24hr_mean, "
        + "avg(tp) OVER h24 AS temp_24hr_mean, avg(p) OVER h24 AS pressure_24hr_mean"
        + " FROM s WINDOW "
        + frame("h1", HOUR)
        + ", "
        + frame("h4", 4 * HOUR)
        + ", "
        + frame("h24", 24 * HOUR);
  }

  /**
   * temp_1hr_delta and days_since_maintenance by ASOF joins (a different mechanism from the job's
   * pointer walk): the latest non-null temperature at or before t − 1h, kept only when it is no
   * earlier than t − 70 min; the latest maintenance event at or before t.
   */
  static String pointInTime(String parquetGlob, String maintenanceGlob) {
    return "WITH s AS (SELECT compressor_id, epoch_us(\"timestamp\") AS us, discharge_temp_f AS "
        + "tp FROM read_parquet('"
        + parquetGlob
        + "')), "
        + "prev AS (SELECT compressor_id, us AS prev_us, us + "
        + HOUR
        + " AS due, tp AS prev_tp "
        + "FROM s WHERE tp IS NOT NULL), "
        + "m AS (SELECT compressor_id, epoch_us(performed_at) AS m_us FROM read_parquet('"
        + maintenanceGlob
        + "') WHERE performed_at IS NOT NULL), "
        + "d AS (SELECT s.compressor_id, s.us, CASE WHEN s.tp IS NOT NULL AND prev.prev_us >= "
        + "s.us - "
        + (HOUR + 600_000_000L)
        + " THEN (s.tp - prev.prev_tp) / "
        + "(CAST(s.us - prev.prev_us AS DOUBLE) / "
        + HOUR
        + ".0) END AS temp_1hr_delta "
        + "FROM s ASOF LEFT JOIN prev ON s.compressor_id = prev.compressor_id AND s.us >= prev.due) "
        + "SELECT d.compressor_id, d.us, d.temp_1hr_delta, "
        + "CAST(d.us - m.m_us AS DOUBLE) / 86400000000.0 AS days_since_maintenance "
        + "FROM d ASOF LEFT JOIN m ON d.compressor_id = m.compressor_id AND d.us >= m.m_us";
  }

  private static String frame(String name, long width) {
    return name
        + " AS (PARTITION BY compressor_id ORDER BY us RANGE BETWEEN "
        + (width - 1)
        + " PRECEDING AND CURRENT ROW)";
  }
}
