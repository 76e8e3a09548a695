package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import com.altaviz.etl.common.Schemas;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every count a silver run reports: the reconciliation terms, per-rule hits and the rows that were
 * looked at but are not this run's (context, too late, deferred) from ONE aggregation over the
 * classified rows; value rejections per rule and sensor from a second query over the few rows that
 * have any.
 */
public record RunCounts(
    long input,
    long silver,
    long quarantinedRows,
    long droppedDuplicates,
    long droppedOther,
    long rejectedReadings,
    long context,
    long tooLate,
    long deferred,
    Map<String, Long> ruleHits,
    Map<String, Map<String, Long>> valueHits) {

  /** Reconciliation: every counted bronze row is in silver, quarantined, or dropped. */
  public long unaccounted() {
    return input - silver - quarantinedRows - droppedDuplicates - droppedOther;
  }

  public long valueHits(String rule) {
    return valueHits.get(rule).values().stream().mapToLong(Long::longValue).sum();
  }

  public static RunCounts of(Dataset<Row> classified, RuleActions actions) {
    Column scope = col(SilverColumns.SCOPE);
    Column counted = scope.isin(SilverScope.COUNTED.toArray());
    Column rule = col(SilverColumns.ROW_RULE);
    Column action = col(SilverColumns.ROW_ACTION);
    Column inSilver = scope.equalTo(SilverScope.RANGE).and(rule.isNull());
    List<Column> aggs = new ArrayList<>();
    aggs.add(countIf(counted).as("input"));
    aggs.add(countIf(inSilver).as("silver"));
    aggs.add(countIf(counted.and(action.isin("quarantine", "fail"))).as("quarantined"));
    aggs.add(
        countIf(counted.and(action.equalTo("drop")).and(rule.equalTo(RuleNames.DUPLICATES)))
            .as("dup"));
    aggs.add(
        countIf(counted.and(action.equalTo("drop")).and(rule.notEqual(RuleNames.DUPLICATES)))
            .as("drop_other"));
    // A reading is rejected when a rule other than duplicates removed it, or a rule nulled one of
    // its values (warn-only hits keep the value, so they do not count).
    Column flags = col(SilverColumns.VALUE_FLAGS);
    Column nulledValue =
        size(flags)
            .gt(0)
            .and(
                size(filter(flags, f -> f.getField("rule").isin(removingValueRules(actions))))
                    .gt(0));
    aggs.add(
        countIf(
                counted.and(
                    rule.isNotNull()
                        .and(rule.notEqual(RuleNames.DUPLICATES))
                        .or(inSilver.and(nulledValue))))
            .as("rejected"));
    aggs.add(countIf(scope.equalTo(SilverScope.CONTEXT)).as("context"));
    aggs.add(countIf(scope.equalTo(SilverScope.TOO_LATE)).as("too_late"));
    aggs.add(countIf(scope.equalTo(SilverScope.DEFERRED)).as("deferred"));
    for (String r : RuleNames.ROW_RULES) {
      aggs.add(countIf(counted.and(col(SilverColumns.hit(r)))).as("hit_" + r));
    }
    Row row =
        classified.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    // Value rejections are rare: count them on the few rows that have any.
    Map<String, Long> byRuleAndSensor = new HashMap<>();
    for (Row r :
        classified
            .where(scope.equalTo(SilverScope.RANGE).and(size(flags).gt(0)))
            .select(explode(flags).as("f"))
            .groupBy(col("f.rule"), col("f.column_name"))
            .count()
            .collectAsList()) {
      byRuleAndSensor.put(r.getString(0) + "__" + r.getString(1), r.getLong(2));
    }
    Map<String, Long> hits = new LinkedHashMap<>();
    for (String r : RuleNames.ROW_RULES) {
      hits.put(r, val(row, "hit_" + r));
    }
    Map<String, Map<String, Long>> values = new LinkedHashMap<>();
    for (String r : RuleNames.VALUE_RULES) {
      Map<String, Long> perSensor = new LinkedHashMap<>();
      for (String s : Schemas.SENSOR_COLUMNS) {
        perSensor.put(s, byRuleAndSensor.getOrDefault(r + "__" + s, 0L));
      }
      values.put(r, perSensor);
      hits.put(r, perSensor.values().stream().mapToLong(Long::longValue).sum());
    }
    return new RunCounts(
        val(row, "input"),
        val(row, "silver"),
        val(row, "quarantined"),
        val(row, "dup"),
        val(row, "drop_other"),
        val(row, "rejected"),
        val(row, "context"),
        val(row, "too_late"),
        val(row, "deferred"),
        hits,
        values);
  }

  private static Object[] removingValueRules(RuleActions actions) {
    return RuleNames.VALUE_RULES.stream().filter(actions::removes).toArray();
  }

  private static Column countIf(Column c) {
    return count(when(c, lit(1)));
  }

  private static long val(Row r, String field) {
    Object v = r.getAs(field);
    return v == null ? 0L : ((Number) v).longValue();
  }
}
