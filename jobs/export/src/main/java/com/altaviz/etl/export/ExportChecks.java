package com.altaviz.etl.export;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.ExitCode;
import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.CheckKind;
import com.altaviz.etl.common.quality.CheckResult;
import com.altaviz.etl.common.quality.Checks;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The export's checks (docs/quality-and-features.md, "Check suite"): reconciliation of PostgreSQL
 * with the lake — the aggregate rows of the recomputed range in sensor_readings_agg, after the
 * upsert and the removal of stale buckets, equal the rows the export computed from gold. Evaluated
 * inside the export transaction, so a {@code fail} rolls everything back (exit 3); the results are
 * mirrored in the same transaction.
 */
public record ExportChecks(
    Map<String, CheckConfig> checks, String runId, Instant intervalStart, Instant intervalEnd) {
  public static final ExportChecks NONE = new ExportChecks(Map.of(), null, null, null);

  /** A {@code fail} check failed: nothing was committed; the results say why. */
  public static final class Failed extends EtlException {
    private final transient List<CheckResult> results;

    Failed(String message, List<CheckResult> results) {
      super(ExitCode.QUALITY_GATE, message);
      this.results = List.copyOf(results);
    }

    public List<CheckResult> results() {
      return results;
    }
  }

  /** Results of the reconciliation checks, given both sides' aggregate row counts. */
  public List<CheckResult> reconcile(long lakeRows, long pgRows) {
    List<CheckResult> out = new ArrayList<>();
    for (var e : checks.entrySet()) {
      CheckConfig c = e.getValue();
      if (c.kind != CheckKind.RECONCILIATION) {
        continue;
      }
      boolean breach = lakeRows != pgRows;
      out.add(
          new CheckResult(
              e.getKey(),
              "sensor_readings_agg",
              (double) pgRows,
              null,
              breach ? Checks.status(c.action) : CheckResult.PASS,
              e.getKey(),
              c.kind.key(),
              c.table,
              CheckResult.ALL,
              (double) lakeRows,
              (double) lakeRows,
              null,
              Checks.status(c.action),
              String.format(
                  Locale.ROOT,
                  "%s: PostgreSQL holds %d aggregate rows of the range, the lake's gold gives %d%s",
                  e.getKey(),
                  pgRows,
                  lakeRows,
                  breach ? " — mismatch" : "")));
    }
    return out;
  }

  /** Throws {@link Failed} when a result failed. */
  public static void requirePassed(List<CheckResult> results) {
    List<String> failed =
        results.stream()
            .filter(r -> CheckResult.FAIL.equals(r.status()))
            .map(CheckResult::message)
            .toList();
    if (!failed.isEmpty()) {
      throw new Failed(
          "export check failed: " + String.join("; ", failed) + " (nothing was committed)",
          results);
    }
  }

  /** data_quality_metrics rows to load, and the computed_at the export's own rows carry. */
  public record Rows(List<Object[]> rows, Instant computedAt) {}

  /**
   * The mirrored rows with this run's export results in place of the ones an earlier attempt of the
   * run wrote to the lake (one row per key). When every result equals that attempt's, its
   * computed_at is kept, so a re-export of unchanged data rewrites nothing.
   */
  public Rows merge(List<CheckResult> results, List<Object[]> mirrored) {
    List<String> cols = ExportTables.DATA_QUALITY_METRICS.columns();
    int run = cols.indexOf("run_id");
    int stage = cols.indexOf("stage");
    List<Object[]> out = new ArrayList<>();
    Map<String, Object[]> earlier = new LinkedHashMap<>();
    for (Object[] r : mirrored) {
      if (runId != null && runId.equals(r[run]) && "export".equals(r[stage])) {
        earlier.put(key(r), r);
      } else {
        out.add(r);
      }
    }
    // microseconds: what both the lake and PostgreSQL keep, so a re-export compares equal
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    List<Object[]> own = rows(results, now);
    int at = cols.indexOf("computed_at");
    Object previous = null;
    boolean same = !own.isEmpty() && own.size() == earlier.size();
    for (Object[] r : own) {
      Object[] e = earlier.get(key(r));
      if (e == null || !sameResult(r, e, at)) {
        same = false;
      } else {
        previous = e[at];
      }
    }
    Instant computedAt = same && previous != null ? ((Timestamp) previous).toInstant() : now;
    out.addAll(rows(results, computedAt));
    return new Rows(out, computedAt);
  }

  private static String key(Object[] r) {
    List<String> cols = ExportTables.DATA_QUALITY_METRICS.columns();
    return ExportTables.DATA_QUALITY_METRICS.key().stream()
        .map(k -> String.valueOf(r[cols.indexOf(k)]))
        .reduce((a, b) -> a + "\u0000" + b)
        .orElse("");
  }

  private static boolean sameResult(Object[] a, Object[] b, int computedAt) {
    for (int i = 0; i < a.length; i++) {
      if (i != computedAt && !java.util.Objects.equals(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }

  /** {@code results} as data_quality_metrics rows of stage export, in the table's columns. */
  List<Object[]> rows(List<CheckResult> results, Instant computedAt) {
    List<Object[]> out = new ArrayList<>();
    Timestamp now = Timestamp.from(computedAt);
    for (CheckResult r : results) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("run_id", runId);
      v.put("stage", "export");
      v.put("metric", r.metric());
      v.put("column_name", r.column());
      v.put("interval_start", intervalStart == null ? null : Timestamp.from(intervalStart));
      v.put("interval_end", intervalEnd == null ? null : Timestamp.from(intervalEnd));
      v.put("value", r.value());
      v.put("limit_value", r.limit());
      v.put("status", r.status());
      v.put("computed_at", now);
      v.put("check_name", r.checkName());
      v.put("kind", r.kind());
      v.put("table_name", r.table());
      v.put("scope", r.scope());
      v.put("lower_bound", r.lower());
      v.put("upper_bound", r.upper());
      v.put("p_value", r.pValue());
      v.put("action", r.action());
      v.put("message", r.message());
      out.add(ExportTables.DATA_QUALITY_METRICS.columns().stream().map(v::get).toArray());
    }
    return out;
  }
}
