package com.altaviz.etl.export;

import com.altaviz.etl.common.Interval;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The time range one export run is responsible for: gold's {@code [start − lookback, end)}, so that
 * late readings also correct the previous day's aggregates and alerts. Both ends are null for the
 * single-batch mode (no interval = all of gold).
 */
public record ExportRange(Instant from, Instant to) {
  public static final ExportRange ALL = new ExportRange(null, null);

  public static ExportRange of(Interval interval, Duration lookback) {
    return interval.isAll()
        ? ALL
        : new ExportRange(interval.start().minus(lookback), interval.end());
  }

  public boolean isAll() {
    return from == null;
  }

  /**
   * Start of the gold rows the aggregates read: {@link #from} rounded down to a UTC day, so that
   * every hourly, 4-hourly and daily bucket touching the range is computed from all its readings
   * and never overwritten by a partial one.
   */
  public Instant aggregationFrom() {
    return from == null ? null : from.truncatedTo(ChronoUnit.DAYS);
  }

  /** End of the gold rows the aggregates read: {@link #to} rounded up to a UTC day. */
  public Instant aggregationTo() {
    if (to == null) {
      return null;
    }
    Instant day = to.truncatedTo(ChronoUnit.DAYS);
    return day.equals(to) ? to : day.plus(Duration.ofDays(1));
  }

  @Override
  public String toString() {
    return isAll() ? "[all of gold]" : "[" + from + ", " + to + ")";
  }
}
