package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.altaviz.etl.common.Interval;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Which bronze rows a silver run looks at, and in what role ({@link SilverColumns#SCOPE}):
 *
 * <ul>
 *   <li>{@code range}: timestamp in the processed range [start − lookback, end) — the rows this run
 *       writes to silver or quarantine;
 *   <li>{@code future}: landed in a folder of the processed range but timestamped after end + skew
 *       or before {@link FutureTimestamps#EARLIEST} — quarantined by this run (only selected when
 *       the future_timestamp rule removes rows);
 *   <li>{@code nullts}: no timestamp, landed in a folder of the processed range;
 *   <li>{@code context}: within a margin around the range — neighbours for the spike filter only,
 *       never written or counted;
 *   <li>{@code too_late}: landed in a folder of the run's own interval (not of its lookback) but
 *       older than the range: beyond the lookback, counted and reported only (re-run the interval
 *       it belongs to);
 *   <li>{@code deferred}: as {@code future} while the rule only warns: left to the run whose
 *       interval contains it, counted only.
 * </ul>
 *
 * With no interval (ALL) every row is {@code range} (or {@code nullts}).
 */
public final class SilverScope {
  private SilverScope() {}

  public static final String RANGE = "range";
  public static final String FUTURE = "future";
  public static final String NULL_TS = "nullts";
  public static final String CONTEXT = "context";
  public static final String TOO_LATE = "too_late";
  public static final String DEFERRED = "deferred";

  /** Scopes whose rows this run accounts for (reconciliation input). */
  public static final List<String> COUNTED = List.of(RANGE, FUTURE, NULL_TS);

  /**
   * Parameters of one run's scope.
   *
   * @param processed [start − lookback, end), or ALL
   * @param lookback how far {@code processed} reaches back before the run's own interval
   * @param context margin read on both sides for spike neighbours
   * @param skew clock-skew tolerance after end
   * @param quarantineFuture whether the future_timestamp rule removes rows (else they are deferred)
   */
  public record Spec(
      Interval processed,
      Duration lookback,
      Duration context,
      Duration skew,
      boolean quarantineFuture) {

    /** First landing folder of the processed range. */
    public LocalDate firstFolder() {
      return processed.start().atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** Last landing folder of the processed range (the day holding end − 1 µs). */
    public LocalDate lastFolder() {
      return processed.end().minusNanos(1000).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** First landing folder of the run's own interval: the range without its lookback. */
    public LocalDate firstOwnFolder() {
      return processed.start().plus(lookback).atZone(ZoneOffset.UTC).toLocalDate();
    }

    public Instant futureAfter() {
      return processed.end().plus(skew);
    }
  }

  /** The bronze columns silver uses; the rest (bronze run id, file identity) is not carried. */
  public static final List<String> COLUMNS =
      List.of(
          "compressor_id",
          "timestamp",
          "vibration_mms",
          "discharge_temp_f",
          "suction_pressure_psi",
          "discharge_pressure_psi",
          "horsepower_consumption",
          "gas_flow_mcf",
          "operating_hours",
          "_ingested_at",
          "_source_file",
          "_landing_date");

  /** Filters bronze to the run's rows and adds {@link SilverColumns#SCOPE}. */
  public static Dataset<Row> select(Dataset<Row> bronzeTable, Spec spec) {
    Dataset<Row> bronze =
        bronzeTable.select(COLUMNS.stream().map(c -> col(c)).toArray(Column[]::new));
    Column ts = col("timestamp");
    if (spec.processed().isAll()) {
      return bronze.withColumn(
          SilverColumns.SCOPE, when(ts.isNull(), lit(NULL_TS)).otherwise(lit(RANGE)));
    }
    Timestamp s = Timestamp.from(spec.processed().start());
    Timestamp e = Timestamp.from(spec.processed().end());
    Timestamp contextStart = Timestamp.from(spec.processed().start().minus(spec.context()));
    Timestamp contextEnd = Timestamp.from(spec.processed().end().plus(spec.context()));
    Timestamp futureAfter = Timestamp.from(spec.futureAfter());
    Timestamp earliest = Timestamp.from(FutureTimestamps.EARLIEST);
    Column landed =
        col("_landing_date")
            .between(lit(Date.valueOf(spec.firstFolder())), lit(Date.valueOf(spec.lastFolder())));
    Column nearby = ts.geq(lit(contextStart)).and(ts.lt(lit(contextEnd)));
    // Too late only from the folders of the run's own interval. A lookback folder belongs to an
    // earlier interval, whose run read this row in its own range (it is in silver or quarantine)
    // or counted it as too late itself; counting it again would ask for a re-run of a complete
    // interval. A landing-date predicate, not an anti-join with silver: no extra Spark job.
    Column landedInOwnFolder =
        col("_landing_date")
            .between(
                lit(Date.valueOf(spec.firstOwnFolder())), lit(Date.valueOf(spec.lastFolder())));
    Column scope =
        when(ts.isNull(), lit(NULL_TS))
            .when(ts.geq(lit(s)).and(ts.lt(lit(e))), lit(RANGE))
            .when(
                landed.and(ts.gt(lit(futureAfter)).or(ts.lt(lit(earliest)))),
                lit(spec.quarantineFuture() ? FUTURE : DEFERRED))
            .when(nearby, lit(CONTEXT))
            .when(landedInOwnFolder.and(ts.lt(lit(s))), lit(TOO_LATE))
            .otherwise(lit(null));
    // Two scans, each pruned by what Delta can prune on, so a run reads its interval's part of
    // bronze whatever the history: the rows near the range by timestamp (file statistics: they
    // may have landed in any folder), the rest by landing folder (partitions). One filter ORing
    // both matched every file (docs/architecture.md, "What a run reads").
    Column elsewhere =
        ts.isNull()
            .or(ts.geq(lit(contextEnd)))
            .or(ts.lt(lit(contextStart)).and(landedInOwnFolder.or(ts.lt(lit(earliest)))));
    return bronze
        .where(nearby)
        .unionByName(bronze.where(landed.and(elsewhere)))
        .withColumn(SilverColumns.SCOPE, scope)
        .where(col(SilverColumns.SCOPE).isNotNull());
  }

  /**
   * Delta predicate matching every quarantine row a run over {@code spec} writes, so a re-run
   * replaces exactly them: the range's timestamps, plus null-timestamp, future-dated and
   * before-earliest rows of the range's landing folders.
   */
  public static String quarantinePredicate(Spec spec) {
    if (spec.processed().isAll()) {
      return "true";
    }
    String landed =
        String.format(
            "_landing_date BETWEEN DATE '%s' AND DATE '%s'", spec.firstFolder(), spec.lastFolder());
    return "("
        + spec.processed().sqlPredicate("timestamp")
        + ")"
        + " OR (timestamp IS NULL AND "
        + landed
        + ")"
        + " OR ("
        + landed
        + " AND timestamp > TIMESTAMP '"
        + sqlTs(spec.futureAfter())
        + "')"
        + " OR ("
        + landed
        + " AND timestamp < TIMESTAMP '"
        + sqlTs(FutureTimestamps.EARLIEST)
        + "')";
  }

  /** Delta predicate of the silver rows a run over {@code processed} replaces. */
  public static String silverPredicate(Interval processed) {
    if (processed.isAll()) {
      return "true";
    }
    LocalDate first = processed.start().atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate last = processed.end().minusNanos(1000).atZone(ZoneOffset.UTC).toLocalDate();
    // the date partition bounds let Delta prune files; the timestamp bounds are exact
    return String.format(
        "date >= DATE '%s' AND date <= DATE '%s' AND %s",
        first, last, processed.sqlPredicate("timestamp"));
  }

  static String sqlTs(Instant i) {
    return i.atOffset(ZoneOffset.UTC).toLocalDateTime().toString().replace('T', ' ');
  }
}
