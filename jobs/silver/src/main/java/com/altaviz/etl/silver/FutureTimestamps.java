package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rule 3 (timestamps): a reading is future-dated when it is later than the reference + the
 * clock-skew tolerance. The reference is the interval end — never now(), so backfills are
 * deterministic. Independently of the interval, a reading later than the end of the day it landed +
 * skew arrived before it was taken, which makes the verdict on a reading the same in every run that
 * sees it. With no interval there is no reference: the landing-day check alone covers "later than
 * the newest landing day + 1 day", since every landing day is at most that. A reading before {@link
 * #EARLIEST} is not a time at all but an unset or reset clock; the rule takes it too, under the
 * same name and action, with its own reason.
 */
public final class FutureTimestamps {
  private FutureTimestamps() {}

  /** No compressor of the fleet reported before this; gateways default to 0001-01-01. */
  public static final Instant EARLIEST = Instant.EPOCH;

  private static final String TS_FORMAT = "yyyy-MM-dd'T'HH:mm:ss'Z'";
  private static final String TS_FORMAT_MICROS = "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'";

  /** Whole seconds as such; a fraction in full, so 00:05:00.000001 never reads as 00:05:00. */
  private static Column formatted(Column ts) {
    return when(date_format(ts, "SSSSSS").equalTo("000000"), date_format(ts, TS_FORMAT))
        .otherwise(date_format(ts, TS_FORMAT_MICROS));
  }

  /**
   * Adds the future_timestamp flag and reason (future-dated, or before {@link #EARLIEST}).
   *
   * @param reference interval end (exclusive); null with no interval (landing-day check only)
   * @param referenceApplies rows the reference is checked for (context rows of a neighbouring
   *     interval are judged by their landing day only)
   */
  public static Dataset<Row> flag(
      Dataset<Row> df, Instant reference, Duration skew, Column referenceApplies) {
    Column ts = col("timestamp");
    Column refLimit =
        reference == null ? lit(null).cast("timestamp") : lit(Timestamp.from(reference.plus(skew)));
    Column landingLimit =
        col("_landing_date")
            .cast("timestamp")
            .plus(expr("INTERVAL 1 DAY"))
            .plus(expr("INTERVAL " + skew.toSeconds() + " SECONDS"));
    Column afterReference = reference == null ? lit(false) : referenceApplies.and(ts.gt(refLimit));
    Column afterLanding = ts.gt(landingLimit);
    Column beforeEarliest = ts.lt(lit(Timestamp.from(EARLIEST)));
    String tolerance = " + " + skew.toMinutes() + " min clock-skew tolerance";
    return df.withColumn(
            SilverColumns.flag(RuleNames.FUTURE_TIMESTAMP),
            ts.isNotNull().and(afterReference.or(afterLanding).or(beforeEarliest)))
        .withColumn(
            SilverColumns.reason(RuleNames.FUTURE_TIMESTAMP),
            when(
                    ts.isNotNull().and(beforeEarliest),
                    concat(
                        lit("timestamp "),
                        formatted(ts),
                        lit(" is before " + EARLIEST.atOffset(ZoneOffset.UTC).toLocalDate())))
                .when(
                    ts.isNotNull().and(afterReference),
                    concat(
                        lit("timestamp "),
                        formatted(ts),
                        lit(" is later than the interval end "),
                        lit(String.valueOf(reference)),
                        lit(tolerance)))
                .when(
                    ts.isNotNull().and(afterLanding),
                    concat(
                        lit("timestamp "),
                        formatted(ts),
                        lit(" is later than the end of its landing day "),
                        col("_landing_date").cast("string"),
                        lit(tolerance),
                        lit(" (it arrived before it was taken)"))));
  }
}
