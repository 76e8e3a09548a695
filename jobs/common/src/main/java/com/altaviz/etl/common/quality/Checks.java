package com.altaviz.etl.common.quality;

import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.CheckKind;
import com.altaviz.etl.common.config.RuleAction;
import com.altaviz.etl.common.quality.QualityStore.Series;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Verdicts of the check suite: turns measured values into {@link CheckResult}s with the check's
 * band and action. The measuring is the stages' (in the aggregations they already run); see
 * docs/quality-and-features.md, "Check suite".
 */
public final class Checks {
  private Checks() {}

  /** The value must not exceed {@code c.max}; {@code missingFails}: no value breaches it. */
  public static CheckResult atMost(
      String name, CheckConfig c, String column, Double v, boolean missingFails) {
    boolean breach = v == null ? missingFails : v > c.max;
    return result(
        name,
        c,
        column,
        CheckResult.ALL,
        v,
        c.max,
        null,
        c.max,
        null,
        breach,
        line(name, column, v, breach, "at most", c.max));
  }

  /** The value must not be under {@code c.min}. */
  public static CheckResult atLeast(
      String name, CheckConfig c, String column, Double v, boolean missingFails) {
    boolean breach = v == null ? missingFails : v < c.min;
    return result(
        name,
        c,
        column,
        CheckResult.ALL,
        v,
        c.min,
        c.min,
        null,
        null,
        breach,
        line(name, column, v, breach, "at least", c.min));
  }

  /** A count of offending rows or values (range, uniqueness, all-null): any breaches. */
  public static CheckResult none(String name, CheckConfig c, String column, long bad, String what) {
    boolean breach = bad > 0;
    return result(
        name,
        c,
        column,
        CheckResult.ALL,
        (double) bad,
        null,
        c.kind == CheckKind.RANGE ? c.min : null,
        c.kind == CheckKind.RANGE ? c.max : null,
        null,
        breach,
        String.format(Locale.ROOT, "%s[%s]: %d %s", name, column, bad, what));
  }

  /** Row count within [min, max] (either may be absent). */
  public static CheckResult rowCount(String name, CheckConfig c, String column, long rows) {
    boolean breach = (c.min != null && rows < c.min) || (c.max != null && rows > c.max);
    return result(
        name,
        c,
        column,
        CheckResult.ALL,
        (double) rows,
        null,
        c.min,
        c.max,
        null,
        breach,
        String.format(
            Locale.ROOT,
            "%s[%s]: %d rows, expected [%s, %s]",
            name,
            column,
            rows,
            c.min == null ? "-" : fmt(c.min),
            c.max == null ? "-" : fmt(c.max)));
  }

  /**
   * Row-count and metric anomaly checks of a stage. {@code current} holds this run's values: the
   * row count under the check's own name (column "*") and every metric a metric_anomaly check may
   * watch. History comes from ops/quality_metrics by interval (one read for all checks).
   */
  public static List<CheckResult> anomalies(
      SparkSession spark,
      String metricsPath,
      String stage,
      Map<String, CheckConfig> checks,
      Map<Series, Double> current,
      Instant intervalStart) {
    Map<String, List<Series>> watched = new LinkedHashMap<>();
    int runs = 1;
    for (var e : checks.entrySet()) {
      CheckConfig c = e.getValue();
      List<Series> s = new ArrayList<>();
      if (c.kind == CheckKind.ROW_COUNT_ANOMALY) {
        s.add(new Series(e.getKey(), CheckResult.ALL, CheckResult.ALL));
      } else if (c.kind == CheckKind.METRIC_ANOMALY) {
        String column = c.column == null ? CheckResult.ALL : c.column;
        for (Series x : current.keySet()) {
          if (x.metric().equals(c.metric)
              && CheckResult.ALL.equals(x.scope())
              && (column.equals("each")
                  ? !x.column().equals(CheckResult.ALL)
                  : x.column().equals(column))) {
            s.add(x);
          }
        }
      } else {
        continue;
      }
      watched.put(e.getKey(), s);
      runs = Math.max(runs, c.historyRunsOr());
    }
    List<CheckResult> out = new ArrayList<>();
    if (watched.isEmpty()) {
      return out;
    }
    List<Series> all = watched.values().stream().flatMap(List::stream).distinct().toList();
    Map<Series, List<Double>> history =
        intervalStart == null
            ? Map.of()
            : QualityStore.history(spark, metricsPath, stage, all, intervalStart, runs);
    for (var e : watched.entrySet()) {
      CheckConfig c = checks.get(e.getKey());
      for (Series s : e.getValue()) {
        Double today = current.get(s);
        if (intervalStart == null) {
          out.add(
              result(
                  e.getKey(),
                  c,
                  s.column(),
                  CheckResult.ALL,
                  today,
                  null,
                  null,
                  null,
                  null,
                  false,
                  e.getKey() + ": no interval (single batch): no history to compare with"));
          continue;
        }
        List<Double> h = history.getOrDefault(s, List.of());
        int n = c.historyRunsOr();
        h = h.subList(Math.max(0, h.size() - n), h.size());
        MetricAnomaly.Verdict v =
            MetricAnomaly.judge(today, h, n, c.minHistoryOr(), c.maxRelativeChange, c.maxZ);
        out.add(
            result(
                e.getKey(),
                c,
                s.column(),
                CheckResult.ALL,
                today,
                null,
                v.lower(),
                v.upper(),
                null,
                v.anomalous(),
                e.getKey()
                    + (s.column().equals(CheckResult.ALL) ? "" : "[" + s.column() + "]")
                    + " "
                    + v.message()));
      }
    }
    return out;
  }

  /** KS or PSI drift results of one check from the grid histograms. */
  public static List<CheckResult> drift(
      String name, CheckConfig c, Map<Drift.Key, Drift.Histogram> histograms) {
    List<CheckResult> out = new ArrayList<>();
    for (String column : c.columns) {
      boolean any = false;
      for (var e : histograms.entrySet()) {
        Drift.Key k = e.getKey();
        if (!k.column().equals(column) || (!c.perModelOr() && !k.scope().equals(CheckResult.ALL))) {
          continue;
        }
        any = true;
        out.add(driftResult(name, c, k, e.getValue()));
      }
      if (!any) {
        out.add(
            result(
                name,
                c,
                column,
                CheckResult.ALL,
                null,
                null,
                null,
                c.max,
                null,
                false,
                name + "[" + column + "]: no values to compare"));
      }
    }
    return out;
  }

  private static CheckResult driftResult(
      String name, CheckConfig c, Drift.Key k, Drift.Histogram h) {
    long n = h.referenceCount();
    long m = h.currentCount();
    String where =
        name + "[" + k.column() + (k.scope().equals(CheckResult.ALL) ? "" : ", " + k.scope()) + "]";
    if (n == 0 || m == 0) {
      return result(
          name,
          c,
          k.column(),
          k.scope(),
          null,
          null,
          null,
          c.max,
          null,
          false,
          String.format(
              Locale.ROOT,
              "%s: no %s values (reference %d, current %d)",
              where,
              n == 0 ? "reference" : "current",
              n,
              m));
    }
    if (c.kind == CheckKind.KS_DRIFT) {
      double d = Drift.ksStatistic(h.reference(), h.current());
      double p = Drift.ksPValue(d, n, m);
      boolean breach = (c.max == null || d > c.max) && (c.pValue == null || p < c.pValue);
      return result(
          name,
          c,
          k.column(),
          k.scope(),
          d,
          null,
          null,
          c.max,
          p,
          breach,
          String.format(
              Locale.ROOT,
              "%s: KS D %.4f, p %.3g (n %d vs %d)%s",
              where,
              d,
              p,
              m,
              n,
              breach ? " — drift" : ""));
    }
    double psi = Drift.psi(h.reference(), h.current(), c.binsOr());
    boolean breach = psi > c.max;
    return result(
        name,
        c,
        k.column(),
        k.scope(),
        psi,
        null,
        null,
        c.max,
        null,
        breach,
        String.format(
            Locale.ROOT,
            "%s: PSI %.4f over %d bins (n %d vs %d)%s",
            where,
            psi,
            c.binsOr(),
            m,
            n,
            breach ? " — drift" : ""));
  }

  private static CheckResult result(
      String name,
      CheckConfig c,
      String column,
      String scope,
      Double value,
      Double limit,
      Double lower,
      Double upper,
      Double p,
      boolean breach,
      String message) {
    return new CheckResult(
        name,
        column,
        value,
        limit,
        breach ? status(c.action) : CheckResult.PASS,
        name,
        c.kind.key(),
        c.table,
        scope,
        lower,
        upper,
        p,
        c.action == RuleAction.FAIL ? CheckResult.FAIL : CheckResult.WARN,
        message);
  }

  /** The status a breach of a check with {@code action} gets. */
  public static String status(RuleAction action) {
    return action == RuleAction.FAIL ? CheckResult.FAIL : CheckResult.WARN;
  }

  private static String line(
      String name, String column, Double v, boolean breach, String side, double limit) {
    String col = column.equals(CheckResult.ALL) ? "" : "[" + column + "]";
    return String.format(
        Locale.ROOT,
        "%s%s = %s, %s %s%s",
        name,
        col,
        v == null ? "n/a" : fmt(v),
        side,
        fmt(limit),
        breach ? " — breached" : "");
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
