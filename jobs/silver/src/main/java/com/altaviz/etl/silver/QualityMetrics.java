package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.CheckKind;
import com.altaviz.etl.common.config.RuleAction;
import com.altaviz.etl.common.quality.CheckResult;
import com.altaviz.etl.common.quality.Checks;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Data-quality metrics of a silver run and the silver checks of the suite
 * (docs/quality-and-features.md). Measured on the SILVER rows the run produces (the layer consumers
 * read), over the run's data interval, in one aggregation plus one per-compressor grouping:
 *
 * <ul>
 *   <li>missing_rate per sensor: null values / silver rows (check kind missing_rate);
 *   <li>freshness_minutes: interval end − latest silver reading (fleet; per compressor when the
 *       check says so — those rows only warn);
 *   <li>completeness: silver readings / expected (fleet size × interval / cadence), for the fleet
 *       ("*") and per compressor (per-compressor rows only warn: one offline unit does not stop the
 *       pipeline);
 *   <li>consistency: share of rows with both pressures where discharge > suction;
 *   <li>rejected_share: readings a rule removed or nulled a value of / distinct readings (input −
 *       superseded duplicates), over the whole processed range;
 *   <li>range, uniqueness, not_all_null, row_count checks on silver columns;
 * </ul>
 *
 * plus per-rule counts ({@code rule_<name>}, per sensor for value rules; status fail when a {@code
 * fail} rule fired, warn when a {@code warn} rule did) and the reconciliation terms. With no
 * interval, the data interval is the whole UTC days spanned by the silver readings. Anomaly and
 * drift checks need the lake and are evaluated by {@link SilverChecks}.
 */
public final class QualityMetrics {
  private QualityMetrics() {}

  public static final String ALL = CheckResult.ALL;
  public static final String PASS = CheckResult.PASS;
  public static final String WARN = CheckResult.WARN;
  public static final String FAIL = CheckResult.FAIL;

  /**
   * What the silver rows of the data interval look like. {@code counts} holds what the checks asked
   * for: {@code null:<column>}, {@code range:<check>:<column>}, {@code dup:<check>}.
   */
  public record Measurements(
      Instant start,
      Instant end,
      long rows,
      Map<String, Long> nulls,
      Instant latest,
      long pressurePairs,
      long dischargeAboveSuction,
      Map<String, Long> perCompressor,
      long expectedPerCompressor,
      Map<String, Instant> latestPerCompressor,
      Map<String, Long> counts) {}

  /** Measures with the default checks. */
  public static Measurements measure(
      Dataset<Row> silver, Interval interval, List<String> fleet, Duration cadence) {
    return measure(silver, interval, fleet, cadence, silverChecks(CheckConfig.defaults()));
  }

  /** The checks of {@code all} that silver evaluates. */
  public static Map<String, CheckConfig> silverChecks(Map<String, CheckConfig> all) {
    Map<String, CheckConfig> out = new LinkedHashMap<>();
    all.forEach(
        (n, c) -> {
          if (c.stage().equals("silver")) {
            out.put(n, c);
          }
        });
    return out;
  }

  /**
   * Measures {@code silver} (rows shaped like silver/sensor_readings) over {@code interval} ({@link
   * Interval#ALL}: the whole days the rows span), for the compressors of {@code fleet}.
   */
  public static Measurements measure(
      Dataset<Row> silver,
      Interval interval,
      List<String> fleet,
      Duration cadence,
      Map<String, CheckConfig> checks) {
    Dataset<Row> in = silver.where(interval.contains(col("timestamp")));
    Set<String> nullColumns = new LinkedHashSet<>(Schemas.SENSOR_COLUMNS);
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("rows"));
    for (var e : checks.entrySet()) {
      CheckConfig c = e.getValue();
      if (c.kind == CheckKind.MISSING_RATE || c.kind == CheckKind.NOT_ALL_NULL) {
        nullColumns.addAll(c.columns);
      } else if (c.kind == CheckKind.RANGE) {
        for (String s : c.columns) {
          Column out = col(s).lt(c.min).or(col(s).gt(c.max)).or(isnan(col(s)));
          aggs.add(count(when(out, lit(1))).as("range:" + e.getKey() + ":" + s));
        }
      } else if (c.kind == CheckKind.UNIQUENESS) {
        aggs.add(
            countDistinct(
                    col(c.columns.get(0)),
                    c.columns.stream().skip(1).map(x -> col(x)).toArray(Column[]::new))
                .as("dup:" + e.getKey()));
      }
    }
    for (String s : nullColumns) {
      aggs.add(count(when(col(s).isNull(), lit(1))).as("null:" + s));
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
    long rows = r.<Long>getAs("rows");
    Map<String, Long> nulls = new LinkedHashMap<>();
    for (String s : Schemas.SENSOR_COLUMNS) {
      nulls.put(s, r.<Long>getAs("null:" + s));
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String f : r.schema().fieldNames()) {
      if (f.startsWith("null:") || f.startsWith("range:")) {
        counts.put(f, r.<Long>getAs(f));
      } else if (f.startsWith("dup:")) {
        counts.put(f, rows - r.<Long>getAs(f));
      }
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
    Map<String, Instant> latestPer = new TreeMap<>();
    fleet.forEach(id -> perCompressor.put(id, 0L));
    for (Row c : in.groupBy("compressor_id").agg(count(lit(1)), max("timestamp")).collectAsList()) {
      if (perCompressor.containsKey(c.getString(0))) {
        perCompressor.put(c.getString(0), c.getLong(1));
        latestPer.put(c.getString(0), c.getTimestamp(2).toInstant());
      }
    }
    long expected =
        start == null
            ? 0
            : Duration.between(start, end).toMinutes() / Math.max(1, cadence.toMinutes());
    return new Measurements(
        start,
        end,
        rows,
        nulls,
        latest,
        r.<Long>getAs("pairs"),
        r.<Long>getAs("consistent"),
        perCompressor,
        expected,
        latestPer,
        counts);
  }

  /**
   * All metric rows of a run: the silver checks of {@code checks} (in their order) with statuses
   * from their actions, then the rule counts and reconciliation terms.
   */
  public static List<CheckResult> metrics(
      Measurements m, RunCounts c, Map<String, CheckConfig> checks, RuleActions actions) {
    List<CheckResult> out = new ArrayList<>();
    for (var e : checks.entrySet()) {
      out.addAll(check(e.getKey(), e.getValue(), m, c));
    }
    out.add(ruleMetric(RuleNames.SCHEMA, ALL, 0, actions));
    for (var e : c.ruleHits().entrySet()) {
      out.add(ruleMetric(e.getKey(), ALL, e.getValue(), actions));
      if (c.valueHits().containsKey(e.getKey())) {
        for (var s : c.valueHits().get(e.getKey()).entrySet()) {
          out.add(ruleMetric(e.getKey(), s.getKey(), s.getValue(), actions));
        }
      }
    }
    out.add(CheckResult.info("input_rows", ALL, (double) c.input(), null, PASS));
    out.add(CheckResult.info("silver_rows", ALL, (double) c.silver(), null, PASS));
    out.add(CheckResult.info("quarantined_rows", ALL, (double) c.quarantinedRows(), null, PASS));
    out.add(
        CheckResult.info("dropped_duplicates", ALL, (double) c.droppedDuplicates(), null, PASS));
    out.add(CheckResult.info("dropped_rows", ALL, (double) c.droppedOther(), null, PASS));
    out.add(
        CheckResult.info(
            "unaccounted_rows",
            ALL,
            (double) c.unaccounted(),
            0.0,
            c.unaccounted() == 0 ? PASS : FAIL));
    out.add(
        CheckResult.info(
            "late_beyond_lookback",
            ALL,
            (double) c.tooLate(),
            0.0,
            c.tooLate() == 0 ? PASS : WARN));
    out.add(CheckResult.info("deferred_future_rows", ALL, (double) c.deferred(), null, PASS));
    return out;
  }

  /** Results of one silver check that the measurements answer (none for anomaly/drift kinds). */
  private static List<CheckResult> check(String name, CheckConfig k, Measurements m, RunCounts c) {
    List<CheckResult> out = new ArrayList<>();
    switch (k.kind) {
      case MISSING_RATE -> {
        for (String s : k.columns) {
          Double rate = m.rows() == 0 ? null : (double) m.counts().get("null:" + s) / m.rows();
          out.add(Checks.atMost(name, k, s, rate, false));
        }
      }
      case NOT_ALL_NULL -> {
        for (String s : k.columns) {
          long nonNull = m.rows() - m.counts().get("null:" + s);
          out.add(Checks.none(name, k, s, m.rows() > 0 && nonNull == 0 ? 1 : 0, "all-null column"));
        }
      }
      case FRESHNESS -> {
        Double fresh = minutes(m.latest(), m.end());
        out.add(Checks.atMost(name, k, ALL, fresh, true));
        if (Boolean.TRUE.equals(k.perCompressor)) {
          for (String id : m.perCompressor().keySet()) {
            out.add(
                warnOnly(
                    Checks.atMost(
                        name, k, id, minutes(m.latestPerCompressor().get(id), m.end()), true)));
          }
        }
      }
      case COMPLETENESS -> {
        long fleet = m.perCompressor().size();
        long expected = fleet * m.expectedPerCompressor();
        long received = m.perCompressor().values().stream().mapToLong(Long::longValue).sum();
        out.add(
            Checks.atLeast(
                name, k, ALL, expected == 0 ? null : (double) received / expected, true));
        for (var e : m.perCompressor().entrySet()) {
          Double v =
              m.expectedPerCompressor() == 0
                  ? null
                  : (double) e.getValue() / m.expectedPerCompressor();
          out.add(warnOnly(Checks.atLeast(name, k, e.getKey(), v, false)));
        }
      }
      case CONSISTENCY ->
          out.add(
              Checks.atLeast(
                  name,
                  k,
                  ALL,
                  m.pressurePairs() == 0
                      ? null
                      : (double) m.dischargeAboveSuction() / m.pressurePairs(),
                  false));
      case REJECTED_SHARE -> {
        // distinct readings: a superseded re-delivery is not a second reading
        long readings = c.input() - c.ruleHits().get(RuleNames.DUPLICATES);
        long rejected = c.rejectedReadings();
        out.add(
            Checks.atMost(
                name, k, ALL, readings == 0 ? null : (double) rejected / readings, false));
      }
      case RANGE -> {
        for (String s : k.columns) {
          out.add(
              Checks.none(
                  name,
                  k,
                  s,
                  m.counts().get("range:" + name + ":" + s),
                  String.format(Locale.ROOT, "values outside [%s, %s]", k.min, k.max)));
        }
      }
      case UNIQUENESS ->
          out.add(
              Checks.none(
                  name,
                  k,
                  String.join(",", k.columns),
                  m.counts().get("dup:" + name),
                  "rows repeat a key"));
      case ROW_COUNT -> out.add(Checks.rowCount(name, k, ALL, m.rows()));
      default -> {}
    }
    return out;
  }

  /** Per-compressor rows of a gate only warn: one offline unit does not stop the pipeline. */
  private static CheckResult warnOnly(CheckResult r) {
    if (!r.status().equals(FAIL)) {
      return r;
    }
    return new CheckResult(
        r.metric(),
        r.column(),
        r.value(),
        r.limit(),
        WARN,
        r.checkName(),
        r.kind(),
        r.table(),
        r.scope(),
        r.lower(),
        r.upper(),
        r.pValue(),
        r.action(),
        r.message());
  }

  private static Double minutes(Instant latest, Instant end) {
    return latest == null || end == null ? null : Duration.between(latest, end).toSeconds() / 60.0;
  }

  /** Human-readable list of failed checks and rules, for the exit-3 message. */
  public static List<String> failures(List<CheckResult> metrics) {
    List<String> out = new ArrayList<>();
    for (CheckResult m : metrics) {
      if (m.status().equals(FAIL)
          && !m.metric().equals("unaccounted_rows")
          && (m.column().equals(ALL) || !m.metric().startsWith("rule_"))) {
        out.add(describe(m));
      }
    }
    return out;
  }

  public static String describe(CheckResult m) {
    if (m.limit() == null && m.message() != null) {
      return m.message();
    }
    String v = m.value() == null ? "n/a" : String.format(Locale.ROOT, "%.4g", m.value());
    String limit = m.limit() == null ? "" : String.format(Locale.ROOT, " (limit %.4g)", m.limit());
    String col = m.column().equals(ALL) ? "" : "[" + m.column() + "]";
    return m.metric() + col + " = " + v + limit;
  }

  static CheckResult ruleMetric(String rule, String column, long hits, RuleActions a) {
    RuleAction action = a.get(rule);
    String status =
        hits == 0
            ? PASS
            : action == RuleAction.FAIL ? FAIL : action == RuleAction.WARN ? WARN : PASS;
    return CheckResult.info("rule_" + rule, column, (double) hits, null, status);
  }

  /** UTC day string of an instant, for logs. */
  static String day(Instant i) {
    return i == null ? "-" : i.atOffset(ZoneOffset.UTC).toLocalDate().toString();
  }
}
