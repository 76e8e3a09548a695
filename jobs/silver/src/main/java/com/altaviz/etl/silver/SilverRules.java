package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.altaviz.etl.common.Schemas;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Applies the named silver rules in order (all of {@link RuleNames} but {@code schema}, which
 * {@link SilverJob} checks first) and classifies every scoped bronze row: still a silver row
 * ({@code _row_rule} null), or removed by the first rule that removes it, with its action and
 * reason; value-level rejections are listed in {@code _value_flags}, and values the actions reject
 * are nulled. Each rule also leaves a {@code _hit_<rule>} column: the rule fired on a row still in
 * play, for the per-rule counts.
 */
public final class SilverRules {
  private SilverRules() {}

  /** Rule parameters of one run. */
  public record Settings(
      RuleActions actions,
      Map<String, List<Double>> ranges,
      int hampelWindow,
      double hampelThresholdMads,
      Instant futureReference,
      Duration clockSkew) {}

  /** All rules in one lazy plan: {@link #prepare}, {@link HampelSpikes#detect}, {@link #finish}. */
  public static Dataset<Row> classify(Dataset<Row> scoped, Dataset<Row> fleet, Settings s) {
    Dataset<Row> prepared = prepare(scoped, fleet, s);
    return finish(prepared, spikes(prepared, s), s);
  }

  /** Readings still in play after rules 2–4: eligible as spike neighbours and for value rules. */
  public static Column eligible() {
    return col(SilverColumns.SCOPE)
        .isin(SilverScope.RANGE, SilverScope.CONTEXT)
        .and(col(SilverColumns.ROW_RULE).isNull());
  }

  /** Rule 6's findings on prepared rows: the flagged readings only (a small frame). */
  public static Dataset<Row> spikes(Dataset<Row> prepared, Settings s) {
    return HampelSpikes.detect(
        prepared.where(eligible()),
        Schemas.SENSOR_COLUMNS,
        s.hampelWindow(),
        s.hampelThresholdMads());
  }

  /**
   * Rules 2–5 (keys, timestamps, duplicates, physical ranges). The silver job caches this frame:
   * the spike filter reads it once, and the outputs read {@link #finish}'s cheap projections of it.
   */
  public static Dataset<Row> prepare(Dataset<Row> scoped, Dataset<Row> fleet, Settings s) {
    Column scope = col(SilverColumns.SCOPE);
    Column processed =
        scope.isin(SilverScope.RANGE, SilverScope.FUTURE, SilverScope.NULL_TS, SilverScope.CONTEXT);
    Dataset<Row> df =
        scoped
            .withColumn(SilverColumns.ROW_RULE, lit(null).cast("string"))
            .withColumn(SilverColumns.ROW_REASON, lit(null).cast("string"))
            .withColumn(SilverColumns.ROW_ACTION, lit(null).cast("string"));

    df = KeyRules.flagNullKeys(df);
    df = rowRule(df, RuleNames.NULL_KEYS, processed, s.actions());
    df = KeyRules.flagUnknownCompressor(df, fleet);
    df = rowRule(df, RuleNames.UNKNOWN_COMPRESSOR, processed, s.actions());
    df =
        FutureTimestamps.flag(
            df, s.futureReference(), s.clockSkew(), scope.notEqual(SilverScope.CONTEXT));
    df = rowRule(df, RuleNames.FUTURE_TIMESTAMP, processed, s.actions());

    // Readings still in play: the processed range and its context margin.
    Column measured = scope.isin(SilverScope.RANGE, SilverScope.CONTEXT);
    df = Deduplication.flag(df, measured.and(col(SilverColumns.ROW_RULE).isNull()));
    df = rowRule(df, RuleNames.DUPLICATES, processed, s.actions());

    df = PhysicalRanges.flag(df, s.ranges(), eligible());
    if (s.actions().removes(RuleNames.PHYSICAL_RANGE)) {
      df = ValueRejections.nullFlagged(df, PhysicalRanges.FLAGS, SilverOutputs.MEASURES);
    }
    return df;
  }

  /** Rules 6–7 on prepared rows, given the spike findings; then the value flags are merged. */
  public static Dataset<Row> finish(Dataset<Row> prepared, Dataset<Row> spikes, Settings s) {
    Column eligible = eligible();
    Dataset<Row> df = HampelSpikes.attach(prepared, spikes, eligible);
    if (s.actions().removes(RuleNames.SPIKE)) {
      df = ValueRejections.nullFlagged(df, HampelSpikes.FLAGS, Schemas.SENSOR_COLUMNS);
    }
    df = AllSensorsNull.flag(df, Schemas.SENSOR_COLUMNS);
    df = rowRule(df, RuleNames.ALL_SENSORS_NULL, eligible, s.actions());

    df =
        df.withColumn(
            SilverColumns.VALUE_FLAGS, concat(col(PhysicalRanges.FLAGS), col(HampelSpikes.FLAGS)));
    return df.drop(PhysicalRanges.FLAGS, HampelSpikes.FLAGS);
  }

  /**
   * Records a whole-row rule: {@code _hit_<rule>} where its flag holds on a row in play, and — when
   * the action removes rows — the rule, reason and action on rows not yet removed.
   */
  static Dataset<Row> rowRule(Dataset<Row> df, String rule, Column inPlay, RuleActions actions) {
    Column stillIn = col(SilverColumns.ROW_RULE).isNull();
    Column hit = inPlay.and(stillIn).and(col(SilverColumns.flag(rule)));
    df = df.withColumn(SilverColumns.hit(rule), hit);
    if (!actions.removes(rule)) {
      return df.drop(SilverColumns.flag(rule), SilverColumns.reason(rule));
    }
    Column fired = col(SilverColumns.hit(rule));
    return df.withColumn(
            SilverColumns.ROW_RULE, when(fired, lit(rule)).otherwise(col(SilverColumns.ROW_RULE)))
        .withColumn(
            SilverColumns.ROW_REASON,
            when(fired, col(SilverColumns.reason(rule))).otherwise(col(SilverColumns.ROW_REASON)))
        .withColumn(
            SilverColumns.ROW_ACTION,
            when(fired, lit(RuleActions.name(actions.get(rule))))
                .otherwise(col(SilverColumns.ROW_ACTION)))
        // consumed: keep the rows narrow for the spike filter and the cache
        .drop(SilverColumns.flag(rule), SilverColumns.reason(rule));
  }
}
