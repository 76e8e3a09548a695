package com.altaviz.etl.common;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * A half-open UTC interval {@code [start, end)}. {@link #ALL} (both ends null) means "process
 * everything", the single-batch mode (no {@code --start}/{@code --end}).
 */
public record Interval(Instant start, Instant end) {
  public static final Interval ALL = new Interval(null, null);

  public Interval {
    if ((start == null) != (end == null)) {
      throw EtlException.usage("an interval needs both --start and --end (or --date)");
    }
    if (start != null && !start.isBefore(end)) {
      throw EtlException.usage("--start " + start + " must be before --end " + end);
    }
  }

  public static Interval ofDate(LocalDate date) {
    Instant s = date.atStartOfDay(ZoneOffset.UTC).toInstant();
    return new Interval(s, s.plus(Duration.ofDays(1)));
  }

  public boolean isAll() {
    return start == null;
  }

  /** The same interval with its start moved earlier, e.g. by the late-arrival lookback. */
  public Interval extendBack(Duration d) {
    return isAll() ? this : new Interval(start.minus(d), end);
  }

  /** Spark predicate {@code start <= col < end}; always true for {@link #ALL}. */
  public Column contains(Column ts) {
    if (isAll()) {
      return functions.lit(true);
    }
    return ts.geq(functions.lit(java.sql.Timestamp.from(start)))
        .and(ts.lt(functions.lit(java.sql.Timestamp.from(end))));
  }

  /** SQL text of {@link #contains} for Delta's {@code replaceWhere}. */
  public String sqlPredicate(String column) {
    if (isAll()) {
      return "true";
    }
    return String.format(
        "%s >= TIMESTAMP '%s' AND %s < TIMESTAMP '%s'", column, sqlTs(start), column, sqlTs(end));
  }

  private static String sqlTs(Instant i) {
    // Spark SQL literal without zone suffix; the session time zone is UTC.
    return i.atOffset(ZoneOffset.UTC).toLocalDateTime().toString().replace('T', ' ');
  }

  @Override
  public String toString() {
    return isAll() ? "[all data]" : "[" + start + ", " + end + ")";
  }
}
