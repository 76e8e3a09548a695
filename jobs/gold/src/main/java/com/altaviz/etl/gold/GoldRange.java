package com.altaviz.etl.gold;

import com.altaviz.etl.common.Interval;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * The time ranges of one gold run: it OUTPUTS {@code [start − lookback, end)} (silver may have
 * corrected the previous day from late arrivals) and READS silver from {@code warmup} earlier
 * still, so the 24h windows of the first output rows are complete.
 */
public record GoldRange(Interval output, Interval read) {
  private static final long MICROS_PER_SECOND = 1_000_000L;

  public static GoldRange of(Interval interval, int lookbackHours, int warmupHours) {
    Interval output = interval.extendBack(Duration.ofHours(lookbackHours));
    return new GoldRange(output, output.extendBack(Duration.ofHours(warmupHours)));
  }

  /**
   * Silver rows to read: the timestamp range plus the same range on the {@code date} partition
   * column, which lets Delta skip whole partitions.
   */
  public Column readFilter() {
    if (read.isAll()) {
      return functions.lit(true);
    }
    return functions
        .col("date")
        .geq(functions.lit(java.sql.Date.valueOf(day(read.start()))))
        .and(functions.col("date").leq(functions.lit(java.sql.Date.valueOf(lastDay(read)))))
        .and(read.contains(functions.col("timestamp")));
  }

  /**
   * The Delta replaceWhere predicate of the output range. When the range is made of whole UTC days
   * it names only the {@code date} partition column, so Delta drops whole files without reading
   * them; otherwise partition bounds prune and the timestamp bounds cut exactly.
   */
  public String replacePredicate() {
    if (output.isAll()) {
      return "true";
    }
    String days =
        String.format(
            "date >= DATE '%s' AND date <= DATE '%s'", day(output.start()), lastDay(output));
    if (wholeDays()) {
      return days;
    }
    return days + " AND " + output.sqlPredicate("timestamp");
  }

  /** True when the output range is all data or whole UTC days: whole date partitions. */
  private boolean wholeDays() {
    return output.isAll() || (isMidnight(output.start()) && isMidnight(output.end()));
  }

  /** First output timestamp in epoch microseconds (Long.MIN_VALUE for all data). */
  public long outputStartMicros() {
    return output.isAll() ? Long.MIN_VALUE : micros(output.start());
  }

  /** End of the output range in epoch microseconds, exclusive (Long.MAX_VALUE for all data). */
  public long outputEndMicros() {
    return output.isAll() ? Long.MAX_VALUE : micros(output.end());
  }

  private static long micros(Instant i) {
    return Math.addExact(
        Math.multiplyExact(i.getEpochSecond(), MICROS_PER_SECOND), i.getNano() / 1000);
  }

  private static LocalDate day(Instant i) {
    return LocalDate.ofInstant(i, ZoneOffset.UTC);
  }

  /** The UTC day of the last microsecond of a half-open interval. */
  private static LocalDate lastDay(Interval i) {
    return day(i.end().minusNanos(1000));
  }

  private static boolean isMidnight(Instant i) {
    return i.atOffset(ZoneOffset.UTC).toLocalTime().toNanoOfDay() == 0;
  }
}
