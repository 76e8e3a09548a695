package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.config.QualityConfig;
import com.altaviz.etl.common.config.QualityConfig.Gate;
import com.altaviz.etl.common.config.RuleAction;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Data-quality metrics of a silver run and their gates. Measured on the SILVER rows the run
 * produces (the layer consumers read), over the run's data interval:
 *
 * <ul>
 *   <li>missing_rate per sensor: null values / silver rows (limit quality.missing_rate);
 *   <li>freshness_minutes: interval end − latest silver reading;
 *   <li>completeness: silver readings / expected (fleet size × interval / cadence), for the fleet
 *       ("*") and per compressor (per-compressor rows only warn: one offline unit does not stop the
 *       pipeline);
 *   <li>consistency: share of rows with both pressures where discharge > suction;
 *   <li>rejected_share: readings a rule removed or nulled a value of / distinct readings (input −
 *       superseded duplicates), over the whole processed range;
 * </ul>
 *
 * plus per-rule counts ({@code rule_<name>}, per sensor for value rules; status fail when a {@code
 * fail} rule fired, warn when a {@code warn} rule did) and the reconciliation terms. With no
 * interval, the data interval is the whole UTC days spanned by the silver readings.
 */
public final class QualityMetrics {
  private QualityMetrics() {}

  public static final String ALL = "*";
  public static final String PASS = "pass";
  public static final String WARN = "warn";
  public static final String FAIL = "fail";

  /** What the silver rows of the data interval look like. */
  public record Measurements(
      Instant start,
      Instant end,
      long rows,
      Map<String, Long> nulls,
      Instant latest,
      long pressurePairs,
      long dischargeAboveSuction,
      Map<String, Long> perCompressor,
      long expectedPerCompressor) {}

  /** One metric row. */
  public record Metric(String metric, String column, Double value, Double limit, String status) {}

  /**
   * Measures {@code silver} (rows shaped like silver/sensor_readings) over {@code interval} ({@link
   * Interval#ALL}: the whole days the rows span), for the compressors of {@code fleet}.
   */
  public static Measurements measure(
      Dataset<Row> silver, Interval interval, List<String> fleet, Duration cadence) {
    Dataset<Row> in = silver.where(interval.contains(col("timestamp")));
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("rows"));
    for (String s : Schemas.SENSOR_COLUMNS) {
      aggs.add(count(when(col(s).isNull(), lit(1))).as("null_" + s));
    }
    Column both =
        col("discharge_pressure_psi").isNotNull().and(col("suction_pressure_psi").isNotNull());
    aggs.add(count(when(both, lit(1))).as("pairs"));
    aggs.add(
        count(when(both.and(col("discharge_pressure_psi").gt(col("suction_pressure_psi"))), lit(1)))
            .as("consistent"));
    aggs.add(min("timestamp").as("first"));
    aggs.add(max("timestamp").as("latest"));
    Row r = in.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    Map<String, Long> nulls = new LinkedHashMap<>();
    for (String s : Schemas.SENSOR_COLUMNS) {
      nulls.put(s, r.<Long>getAs("null_" + s));
    }
    Instant latest =
        r.isNullAt(r.fieldIndex("latest")) ? null : r.<Timestamp>getAs("latest").toInstant();
    Instant start = interval.start();
    Instant end = interval.end();
    if (interval.isAll()) {
      Instant first =
          r.isNullAt(r.fieldIndex("first")) ? null : r.<Timestamp>getAs("first").toInstant();
      start = first == null ? null : first.truncatedTo(ChronoUnit.DAYS);
      end = latest == null ? null : latest.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
    }
    Map<String, Long> perCompressor = new TreeMap<>();
    fleet.forEach(id -> perCompressor.put(id, 0L));
    for (Row c : in.groupBy("compressor_id").count().collectAsList()) {
      if (perCompressor.containsKey(c.getString(0))) {
        perCompressor.put(c.getString(0), c.getLong(1));
      }
    }
    long expected =
        start == null
            ? 0
            : Duration.between(start, end).toMinutes() / Math.max(1, cadence.toMinutes());
    return new Measurements(
        start,
        end,
        r.<Long>getAs("rows"),
        nulls,
        latest,
        r.<Long>getAs("pairs"),
        r.<Long>getAs("consistent"),
        perCompressor,
        expected);
  }

  /** All metric rows of a run, with statuses from the gates and rule actions. */
  public static List<Metric> metrics(
      Measurements m, RunCounts c, QualityConfig q, RuleActions actions) {
    List<Metric> out = new ArrayList<>();
    for (String s : Schemas.SENSOR_COLUMNS) {
      Double rate = m.rows() == 0 ? null : (double) m.nulls().get(s) / m.rows();
      out.add(atMost("missing_rate", s, rate, q.missingRate, false));
    }
    Double fresh =
        m.latest() == null ? null : Duration.between(m.latest(), m.end()).toSeconds() / 60.0;
    out.add(atMost("freshness_minutes", ALL, fresh, q.freshnessMinutes, true));
    long fleet = m.perCompressor().size();
    long expected = fleet * m.expectedPerCompressor();
    long received = m.perCompressor().values().stream().mapToLong(Long::longValue).sum();
    out.add(
        atLeast(
            "completeness",
            ALL,
            expected == 0 ? null : (double) received / expected,
            q.completeness,
            true));
    for (var e : m.perCompressor().entrySet()) {
      Double v =
          m.expectedPerCompressor() == 0 ? null : (double) e.getValue() / m.expectedPerCompressor();
      Metric g = atLeast("completeness", e.getKey(), v, q.completeness, false);
      out.add(
          g.status().equals(FAIL)
              ? new Metric(g.metric(), g.column(), g.value(), g.limit(), WARN)
              : g);
    }
    out.add(
        atLeast(
            "consistency",
            ALL,
            m.pressurePairs() == 0 ? null : (double) m.dischargeAboveSuction() / m.pressurePairs(),
            q.consistency,
            false));
    // distinct readings: a superseded re-delivery is not a second reading
    long readings = c.input() - c.ruleHits().get(RuleNames.DUPLICATES);
    long rejected = c.rejectedReadings();
    out.add(
        atMost(
            "rejected_share",
            ALL,
            readings == 0 ? null : (double) rejected / readings,
            q.rejectedShare,
            false));

    out.add(ruleMetric(RuleNames.SCHEMA, ALL, 0, actions));
    for (var e : c.ruleHits().entrySet()) {
      out.add(ruleMetric(e.getKey(), ALL, e.getValue(), actions));
      if (c.valueHits().containsKey(e.getKey())) {
        for (var s : c.valueHits().get(e.getKey()).entrySet()) {
          out.add(ruleMetric(e.getKey(), s.getKey(), s.getValue(), actions));
        }
      }
    }
    out.add(new Metric("input_rows", ALL, (double) c.input(), null, PASS));
    out.add(new Metric("silver_rows", ALL, (double) c.silver(), null, PASS));
    out.add(new Metric("quarantined_rows", ALL, (double) c.quarantinedRows(), null, PASS));
    out.add(new Metric("dropped_duplicates", ALL, (double) c.droppedDuplicates(), null, PASS));
    out.add(new Metric("dropped_rows", ALL, (double) c.droppedOther(), null, PASS));
    out.add(
        new Metric(
            "unaccounted_rows",
            ALL,
            (double) c.unaccounted(),
            0.0,
            c.unaccounted() == 0 ? PASS : FAIL));
    out.add(
        new Metric(
            "late_beyond_lookback",
            ALL,
            (double) c.tooLate(),
            0.0,
            c.tooLate() == 0 ? PASS : WARN));
    out.add(new Metric("deferred_future_rows", ALL, (double) c.deferred(), null, PASS));
    return out;
  }

  /** The metric rows as ops/quality_metrics rows. */
  public static Dataset<Row> toRows(
      SparkSession spark,
      List<Metric> metrics,
      String runId,
      Interval interval,
      Instant computedAt) {
    List<Row> rows = new ArrayList<>();
    for (Metric m : metrics) {
      rows.add(
          RowFactory.create(
              runId,
              "silver",
              ts(interval.start()),
              ts(interval.end()),
              m.metric(),
              m.column(),
              m.value(),
              m.limit(),
              m.status(),
              ts(computedAt)));
    }
    return spark.createDataFrame(rows, Schemas.QUALITY_METRICS);
  }

  /** Human-readable list of failed gates and rules, for the exit-3 message. */
  public static List<String> failures(List<Metric> metrics) {
    List<String> out = new ArrayList<>();
    for (Metric m : metrics) {
      if (m.status().equals(FAIL)
          && !m.metric().equals("unaccounted_rows")
          && (m.column().equals(ALL) || !m.metric().startsWith("rule_"))) {
        out.add(describe(m));
      }
    }
    return out;
  }

  public static String describe(Metric m) {
    String v = m.value() == null ? "n/a" : String.format(Locale.ROOT, "%.4g", m.value());
    String limit = m.limit() == null ? "" : String.format(Locale.ROOT, " (limit %.4g)", m.limit());
    String col = m.column().equals(ALL) ? "" : "[" + m.column() + "]";
    return m.metric() + col + " = " + v + limit;
  }

  private static Metric ruleMetric(String rule, String column, long hits, RuleActions a) {
    RuleAction action = a.get(rule);
    String status =
        hits == 0
            ? PASS
            : action == RuleAction.FAIL ? FAIL : action == RuleAction.WARN ? WARN : PASS;
    return new Metric("rule_" + rule, column, (double) hits, null, status);
  }

  /** Gate "value must not exceed the limit"; {@code missingFails}: no value breaches it. */
  private static Metric atMost(
      String metric, String column, Double v, Gate g, boolean missingFails) {
    boolean breach = v == null ? missingFails : v > g.limit;
    return new Metric(metric, column, v, g.limit, breach ? status(g) : PASS);
  }

  private static Metric atLeast(
      String metric, String column, Double v, Gate g, boolean missingFails) {
    boolean breach = v == null ? missingFails : v < g.limit;
    return new Metric(metric, column, v, g.limit, breach ? status(g) : PASS);
  }

  private static String status(Gate g) {
    return g.action == RuleAction.FAIL ? FAIL : WARN;
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }

  /** UTC day string of an instant, for logs. */
  static String day(Instant i) {
    return i == null ? "-" : i.atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }
}
