package com.altaviz.etl.common;

import com.altaviz.etl.common.QualityReport.MetricRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The quality report as data ({@link Model}, pure: built from metric rows) and as one HTML page
 * with inline CSS and server-side SVG charts, readable from {@code file://} with no network and no
 * script.
 */
public final class QualityReportPage {
  private QualityReportPage() {}

  static final List<String> STAGES = List.of("bronze", "silver", "gold", "export");

  /** A run next to this one by interval; {@code hasReport} says whether its page exists. */
  public record Neighbour(String runId, Instant intervalStart, boolean hasReport) {}

  /** One point of a chart: an interval's value and its expected band (either edge may be null). */
  public record Point(
      String label, String runId, Double value, Double lower, Double upper, String status) {}

  /** A chart: {@code line} over intervals (history) or {@code bars} over sensors (this run). */
  public record Chart(String id, String title, String kind, List<Point> points) {}

  public record Model(
      String runId,
      Instant intervalStart,
      Instant intervalEnd,
      List<String> stages,
      String status,
      List<MetricRow> results,
      List<Chart> charts,
      Neighbour previous,
      Neighbour next) {}

  /** Severity order: a failure first, then warnings, passes, anything else. */
  static int severity(String status) {
    if (status == null) {
      return 0;
    }
    return switch (status.toLowerCase(Locale.ROOT)) {
      case "fail", "failed", "error" -> 3;
      case "warn", "warning" -> 2;
      case "pass", "passed", "ok" -> 1;
      default -> 0;
    };
  }

  /**
   * The report of {@code runId} from {@code rows} (its own rows and other runs' fleet-wide rows);
   * empty when the run has no rows. History and neighbours go by interval, never by when a run ran,
   * so a backfilled day sits between its neighbouring days.
   */
  public static Optional<Model> model(
      String runId, List<MetricRow> rows, Predicate<String> reportExists, int history) {
    List<MetricRow> own = rows.stream().filter(r -> runId.equals(r.runId())).toList();
    if (own.isEmpty()) {
      return Optional.empty();
    }
    Instant start =
        own.stream()
            .map(MetricRow::intervalStart)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null);
    Instant end =
        own.stream().map(MetricRow::intervalEnd).filter(Objects::nonNull).findFirst().orElse(null);
    IntervalKey current = new IntervalKey(start);

    // the representative run of each interval: the one computed last (this run for its own)
    Map<String, IntervalKey> runInterval = new LinkedHashMap<>();
    Map<String, Instant> runComputed = new LinkedHashMap<>();
    for (MetricRow r : rows) {
      runInterval.putIfAbsent(r.runId(), new IntervalKey(r.intervalStart()));
      if (r.intervalStart() != null) {
        runInterval.put(r.runId(), new IntervalKey(r.intervalStart()));
      }
      runComputed.merge(r.runId(), orMin(r.computedAt()), (a, b) -> a.isAfter(b) ? a : b);
    }
    runInterval.put(runId, current);
    TreeMap<IntervalKey, String> byInterval = new TreeMap<>();
    for (var e : runInterval.entrySet()) {
      String other = byInterval.get(e.getValue());
      if (other == null
          || (!other.equals(runId)
              && (e.getKey().equals(runId)
                  || runComputed.get(e.getKey()).isAfter(runComputed.get(other))))) {
        byInterval.put(e.getValue(), e.getKey());
      }
    }
    var prev = byInterval.lowerEntry(current);
    var next = byInterval.higherEntry(current);

    List<IntervalKey> shown = new ArrayList<>(byInterval.headMap(current, true).keySet());
    shown = shown.subList(Math.max(0, shown.size() - history), shown.size());

    List<MetricRow> results = new ArrayList<>(own);
    results.sort(
        Comparator.comparing((MetricRow r) -> -severity(r.status()))
            .thenComparing(r -> stageOrder(r.stage()))
            .thenComparing(r -> Objects.toString(r.name(), ""))
            .thenComparing(r -> Objects.toString(r.displayColumn(), ""))
            .thenComparing(r -> Objects.toString(r.displayScope(), "")));
    String status =
        own.stream()
            .map(MetricRow::status)
            .max(Comparator.comparingInt(QualityReportPage::severity))
            .orElse(null);
    LinkedHashSet<String> stages = new LinkedHashSet<>();
    own.stream()
        .map(MetricRow::stage)
        .filter(Objects::nonNull)
        .sorted(Comparator.comparingInt(QualityReportPage::stageOrder))
        .forEach(stages::add);

    List<Chart> charts = new ArrayList<>();
    History h = new History(runId, current, shown, rows);
    charts.add(
        h.chart(
            "silver-row-count",
            "Silver row count",
            r -> isKind(r, "row_count_anomaly") && silver(r),
            r -> "silver_rows".equals(r.metric()) && silver(r)));
    charts.add(
        h.chart(
            "fleet-completeness",
            "Fleet completeness (received / expected readings)",
            r -> isKind(r, "completeness") && r.displayColumn() == null && silver(r)));
    for (String sensor : Schemas.SENSOR_COLUMNS) {
      charts.add(
          h.chart(
              "missing-rate-" + sensor,
              "Missing rate: " + sensor,
              r -> isKind(r, "missing_rate") && sensor.equals(r.displayColumn()) && silver(r)));
    }
    charts.add(drift("ks-drift", "KS drift statistic D per sensor (this run)", own, "ks_drift"));
    charts.add(
        drift("psi-drift", "Population stability index per sensor (this run)", own, "psi_drift"));

    return Optional.of(
        new Model(
            runId,
            start,
            end,
            List.copyOf(stages),
            status,
            results,
            charts,
            neighbour(prev, reportExists),
            neighbour(next, reportExists)));
  }

  private static Neighbour neighbour(
      Map.Entry<IntervalKey, String> e, Predicate<String> reportExists) {
    return e == null
        ? null
        : new Neighbour(e.getValue(), e.getKey().start(), reportExists.test(e.getValue()));
  }

  private static boolean isKind(MetricRow r, String kind) {
    return kind.equals(r.kind()) || kind.equals(r.metric());
  }

  /** Silver's rows: the stage column, or a table name under silver/. */
  private static boolean silver(MetricRow r) {
    return r.fleetWide()
        && ("silver".equals(r.stage()) || (r.table() != null && r.table().contains("silver")));
  }

  private static boolean finite(Double v) {
    return v != null && Double.isFinite(v);
  }

  private static int stageOrder(String stage) {
    int i = STAGES.indexOf(stage);
    return i < 0 ? STAGES.size() : i;
  }

  private static Instant orMin(Instant i) {
    return i == null ? Instant.MIN : i;
  }

  /** An interval by its start; single-batch runs (no interval) sort first. */
  record IntervalKey(Instant start) implements Comparable<IntervalKey> {
    @Override
    public int compareTo(IntervalKey o) {
      return Comparator.nullsFirst(Comparator.<Instant>naturalOrder()).compare(start, o.start);
    }

    String label() {
      return start == null ? "all data" : start.toString().replace("T00:00:00Z", "");
    }
  }

  /** One series per chart over the shown intervals: per interval the latest matching row. */
  private record History(
      String runId, IntervalKey current, List<IntervalKey> shown, List<MetricRow> rows) {
    @SafeVarargs
    final Chart chart(String id, String title, Predicate<MetricRow>... preferred) {
      List<Point> points = new ArrayList<>();
      for (IntervalKey k : shown) {
        MetricRow best = null;
        for (Predicate<MetricRow> p : preferred) {
          best =
              rows.stream()
                  .filter(r -> finite(r.value()) && k.equals(new IntervalKey(r.intervalStart())))
                  .filter(r -> !k.equals(current) || runId.equals(r.runId()))
                  .filter(p)
                  .max(Comparator.comparing(r -> orMin(r.computedAt())))
                  .orElse(null);
          if (best != null) {
            break;
          }
        }
        if (best != null) {
          Double[] band = band(best);
          points.add(
              new Point(k.label(), best.runId(), best.value(), band[0], band[1], best.status()));
        }
      }
      return new Chart(id, title, "line", points);
    }
  }

  /**
   * The expected band: the check's own bounds, else the legacy limit on the side its metric is
   * judged (at most for rates and delays, at least for completeness and consistency).
   */
  static Double[] band(MetricRow r) {
    if (r.lower() != null || r.upper() != null) {
      return new Double[] {r.lower(), r.upper()};
    }
    if (r.limit() == null) {
      return new Double[] {null, null};
    }
    String k = r.kindOrMetric();
    if (k.equals("completeness") || k.equals("consistency")) {
      return new Double[] {r.limit(), null};
    }
    if (k.equals("missing_rate")
        || k.equals("freshness_minutes")
        || k.equals("rejected_share")
        || k.equals("ks_drift")
        || k.equals("psi_drift")) {
      return new Double[] {null, r.limit()};
    }
    return new Double[] {r.limit(), r.limit()};
  }

  private static Chart drift(String id, String title, List<MetricRow> own, String kind) {
    List<Point> points = new ArrayList<>();
    for (String sensor : Schemas.SENSOR_COLUMNS) {
      own.stream()
          .filter(r -> isKind(r, kind) && r.fleetWide() && sensor.equals(r.displayColumn()))
          .filter(r -> finite(r.value()))
          .max(Comparator.comparing(r -> orMin(r.computedAt())))
          .ifPresent(
              r -> {
                Double[] b = band(r);
                points.add(new Point(sensor, r.runId(), r.value(), b[0], b[1], r.status()));
              });
    }
    return new Chart(id, title, "bars", points);
  }

  // ------------------------------------------------------------------------------------------
  // HTML

  private static final String CSS =
      """
      body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;\
      background:#f7f8fa}
      header,section{max-width:1200px;margin:0 auto;padding:12px 24px}
      header{background:#fff;border-bottom:1px solid #d9dee5}
      h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:18px 0 8px}
      dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:8px 0}
      dt{color:#52606d}dd{margin:0;font-family:ui-monospace,monospace}
      nav{display:flex;gap:24px;margin:8px 0}nav a{color:#1c64b8}
      .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;\
      font-family:system-ui,sans-serif}
      .status-fail .badge,.badge.status-fail{background:#c62828;color:#fff}
      .status-warn .badge,.badge.status-warn{background:#ef6c00;color:#fff}
      .status-pass .badge,.badge.status-pass{background:#2e7d32;color:#fff}
      .status-other .badge,.badge.status-other{background:#7b8794;color:#fff}
      table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
      th,td{border-bottom:1px solid #e4e7eb;padding:4px 6px;text-align:left;vertical-align:top}
      th{background:#eef1f5;position:sticky;top:0}
      td.num{text-align:right;font-family:ui-monospace,monospace}
      tr.status-fail{background:#fdecea}tr.status-warn{background:#fff4e5}
      .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:12px}
      figure{margin:0;background:#fff;border:1px solid #d9dee5;border-radius:6px;padding:8px;\
      min-width:0}
      svg.chart{display:block;width:100%;height:auto}
      figcaption{font-size:13px;font-weight:600;margin-bottom:4px}
      svg text{font-size:10px;fill:#52606d;font-family:system-ui,sans-serif}
      .empty{font-size:12px}
      """;

  public static String html(Model m) {
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    b.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // no favicon request: the page must not touch the network or the server it is served from
    b.append("<link rel=\"icon\" href=\"data:,\">\n");
    b.append("<title>Quality report: ").append(esc(m.runId())).append("</title>\n");
    b.append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<header>\n");
    b.append("<h1>Data-quality report</h1>\n<dl>\n");
    dd(b, "Run", "run-id", esc(m.runId()));
    dd(b, "Interval", "interval", esc(interval(m)));
    dd(b, "Stages", "stages", esc(String.join(", ", m.stages())));
    dd(
        b,
        "Overall status",
        "status",
        "<span class=\"badge "
            + statusClass(m.status())
            + "\">"
            + esc(Objects.toString(m.status(), "n/a"))
            + "</span>");
    long fails = m.results().stream().filter(r -> severity(r.status()) == 3).count();
    long warns = m.results().stream().filter(r -> severity(r.status()) == 2).count();
    dd(
        b,
        "Check results",
        "counts",
        m.results().size() + " (" + fails + " failed, " + warns + " warned)");
    b.append("</dl>\n<nav>\n");
    nav(b, PREVIOUS, m.previous());
    nav(b, NEXT, m.next());
    b.append("</nav>\n</header>\n");

    b.append("<section id=\"history\">\n<h2>History by interval (up to ")
        .append(QualityReport.HISTORY)
        .append(
            " intervals up to this run's; shaded: expected band)</h2>\n<div class=\"charts\">\n");
    for (Chart c : m.charts()) {
      if (c.kind().equals("line")) {
        figure(b, c, lineSvg(c));
      }
    }
    b.append("</div>\n</section>\n<section id=\"drift\">\n<h2>Distribution drift</h2>\n");
    b.append("<div class=\"charts\">\n");
    for (Chart c : m.charts()) {
      if (c.kind().equals("bars")) {
        figure(b, c, barSvg(c));
      }
    }
    b.append("</div>\n</section>\n");
    // the table last: at fleet scale it holds a row per compressor and would bury the charts
    b.append("<section id=\"results\">\n<h2>Check results</h2>\n<table>\n<thead><tr>");
    for (String h :
        List.of(
            "status",
            "stage",
            "check",
            "kind",
            "table",
            "column",
            "scope",
            "value",
            "expected",
            "p-value",
            "action",
            "message")) {
      b.append("<th>").append(h).append("</th>");
    }
    b.append("</tr></thead>\n<tbody>\n");
    for (MetricRow r : m.results()) {
      b.append("<tr class=\"result ")
          .append(statusClass(r.status()))
          .append("\" data-status=\"")
          .append(esc(Objects.toString(r.status(), "")))
          .append("\" data-check=\"")
          .append(esc(Objects.toString(r.name(), "")))
          .append("\">");
      b.append("<td><span class=\"badge\">")
          .append(esc(Objects.toString(r.status(), "n/a")))
          .append("</span></td>");
      td(b, r.stage());
      td(b, r.name());
      td(b, r.kindOrMetric());
      td(b, r.table());
      td(b, r.displayColumn());
      td(b, r.displayScope());
      b.append("<td class=\"num\">").append(esc(num(r.value()))).append("</td>");
      b.append("<td class=\"num\">").append(esc(expected(r))).append("</td>");
      b.append("<td class=\"num\">").append(esc(num(r.pValue()))).append("</td>");
      td(b, r.action());
      td(b, r.message());
      b.append("</tr>\n");
    }
    b.append("</tbody>\n</table>\n</section>\n");

    b.append("</body>\n</html>\n");
    return b.toString();
  }

  private static String interval(Model m) {
    return m.intervalStart() == null
        ? "all data (single batch)"
        : "[" + m.intervalStart() + ", " + m.intervalEnd() + ")";
  }

  private static void dd(StringBuilder b, String term, String id, String html) {
    b.append("<dt>")
        .append(term)
        .append("</dt><dd id=\"")
        .append(id)
        .append("\">")
        .append(html)
        .append("</dd>\n");
  }

  static final String PREVIOUS = "previous";
  static final String NEXT = "next";

  /** The page's one line of the {@code rel} link (previous | next), ending with a newline. */
  static String navLine(String rel, Neighbour n) {
    StringBuilder b = new StringBuilder();
    nav(b, rel, n);
    return b.toString();
  }

  private static void nav(StringBuilder b, String rel, Neighbour n) {
    String label = rel.equals(PREVIOUS) ? "← previous interval" : "next interval →";
    if (n == null) {
      b.append("<span id=\"").append(rel).append("\">").append(label).append(": none yet</span>\n");
      return;
    }
    String text = esc(n.runId()) + " (" + esc(new IntervalKey(n.intervalStart()).label()) + ")";
    if (n.hasReport()) {
      b.append("<a id=\"")
          .append(rel)
          .append("\" rel=\"")
          .append(rel.equals(PREVIOUS) ? "prev" : "next")
          .append("\" href=\"../")
          .append(QualityReport.directoryOf(n.runId()))
          .append("/")
          .append(QualityReport.INDEX)
          .append("\">")
          .append(label)
          .append(": ")
          .append(text)
          .append("</a>\n");
    } else {
      b.append("<span id=\"")
          .append(rel)
          .append("\">")
          .append(label)
          .append(": ")
          .append(text)
          .append(" (no report)</span>\n");
    }
  }

  private static void td(StringBuilder b, String s) {
    b.append("<td>").append(esc(Objects.toString(s, ""))).append("</td>");
  }

  static String expected(MetricRow r) {
    Double[] band = band(r);
    if (band[0] == null && band[1] == null) {
      return "";
    }
    if (band[0] != null && band[1] != null) {
      return band[0].equals(band[1])
          ? "= " + num(band[0])
          : "[" + num(band[0]) + ", " + num(band[1]) + "]";
    }
    return band[0] != null ? "≥ " + num(band[0]) : "≤ " + num(band[1]);
  }

  static String num(Double v) {
    if (v == null) {
      return "";
    }
    if (v.isNaN() || v.isInfinite()) {
      return v.toString();
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", v.longValue());
    }
    if (Math.abs(v) >= 1000 && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,.0f", v); // counts and axis ticks: no exponent
    }
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.contains("e") || !s.contains(".")) {
      return s;
    }
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  static String statusClass(String status) {
    return switch (severity(status)) {
      case 3 -> "status-fail";
      case 2 -> "status-warn";
      case 1 -> "status-pass";
      default -> "status-other";
    };
  }

  private static String color(String status) {
    return switch (severity(status)) {
      case 3 -> "#c62828";
      case 2 -> "#ef6c00";
      case 1 -> "#2e7d32";
      default -> "#7b8794";
    };
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static void figure(StringBuilder b, Chart c, String svg) {
    b.append("<figure id=\"chart-")
        .append(c.id())
        .append("\"><figcaption>")
        .append(esc(c.title()))
        .append("</figcaption>\n")
        .append(svg)
        .append("</figure>\n");
  }

  // ------------------------------------------------------------------------------------------
  // SVG, drawn here so the page needs no script or library

  private static final int W = 560;
  private static final int H = 180;
  private static final int LEFT = 64;
  private static final int RIGHT = 12;
  private static final int TOP = 10;
  private static final int BOTTOM = 34;

  private static String svgOpen(Chart c, String role) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\""
        + c.id()
        + "\" data-points=\""
        + c.points().size()
        + "\" viewBox=\"0 0 "
        + W
        + " "
        + H
        + "\" width=\""
        + W
        + "\" height=\""
        + H
        + "\" role=\"img\" aria-label=\""
        + esc(c.title())
        + "\">"
        + "<title>"
        + esc(c.title())
        + " ("
        + role
        + ")</title>";
  }

  private static String empty(Chart c, String what) {
    return svgOpen(c, "no data")
        + "<text class=\"empty\" x=\""
        + W / 2
        + "\" y=\""
        + H / 2
        + "\" text-anchor=\"middle\">"
        + what
        + "</text></svg>\n";
  }

  /** y-axis domain over values and finite band edges, padded; a flat series gets a unit range. */
  private static double[] domain(List<Point> pts, boolean fromZero) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Point p : pts) {
      for (Double v : new Double[] {p.value(), p.lower(), p.upper()}) {
        if (v != null && Double.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (fromZero) {
      lo = Math.min(lo, 0);
    }
    if (hi - lo < 1e-12) {
      double pad = Math.abs(hi) < 1e-12 ? 1 : Math.abs(hi) * 0.1;
      lo -= pad;
      hi += pad;
    }
    double pad = (hi - lo) * 0.08;
    return new double[] {fromZero && lo >= 0 ? lo : lo - pad, hi + pad};
  }

  private static String f(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String axes(double lo, double hi) {
    StringBuilder b = new StringBuilder();
    int plotH = H - TOP - BOTTOM;
    b.append("<line x1=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(TOP)
        .append("\" x2=\"")
        .append(LEFT)
        .append("\" y2=\"")
        .append(TOP + plotH)
        .append("\" stroke=\"#9aa5b1\"/>");
    b.append("<line x1=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(TOP + plotH)
        .append("\" x2=\"")
        .append(W - RIGHT)
        .append("\" y2=\"")
        .append(TOP + plotH)
        .append("\" stroke=\"#9aa5b1\"/>");
    for (int i = 0; i <= 2; i++) {
      double v = lo + (hi - lo) * i / 2;
      double y = TOP + plotH - plotH * i / 2.0;
      b.append("<text x=\"")
          .append(LEFT - 4)
          .append("\" y=\"")
          .append(f(y + 3))
          .append("\" text-anchor=\"end\">")
          .append(esc(num(v)))
          .append("</text>");
    }
    return b.toString();
  }

  static String lineSvg(Chart c) {
    List<Point> pts = c.points();
    if (pts.isEmpty()) {
      return empty(c, "no values recorded for this metric yet");
    }
    double[] d = domain(pts, true);
    double lo = d[0];
    double hi = d[1];
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    double step = (double) plotW / pts.size();
    StringBuilder b = new StringBuilder(svgOpen(c, pts.size() + " intervals"));
    // band first, as one shaded column per interval, so points and line are drawn over it
    for (int i = 0; i < pts.size(); i++) {
      Point p = pts.get(i);
      if (p.lower() == null && p.upper() == null) {
        continue;
      }
      double top = p.upper() == null ? TOP : y(p.upper(), lo, hi, plotH);
      double bottom = p.lower() == null ? TOP + plotH : y(p.lower(), lo, hi, plotH);
      top = clamp(top, TOP, TOP + plotH);
      bottom = clamp(bottom, TOP, TOP + plotH);
      b.append("<rect class=\"band\" data-lower=\"")
          .append(p.lower() == null ? "" : p.lower())
          .append("\" data-upper=\"")
          .append(p.upper() == null ? "" : p.upper())
          .append("\" x=\"")
          .append(f(LEFT + i * step))
          .append("\" y=\"")
          .append(f(Math.min(top, bottom)))
          .append("\" width=\"")
          .append(f(step))
          .append("\" height=\"")
          .append(f(Math.max(1, Math.abs(bottom - top))))
          .append("\" fill=\"#1c64b8\" fill-opacity=\"0.12\"/>");
    }
    b.append(axes(lo, hi));
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < pts.size(); i++) {
      double x = LEFT + (i + 0.5) * step;
      double yv = y(pts.get(i).value(), lo, hi, plotH);
      path.append(i == 0 ? "M" : " L").append(f(x)).append(' ').append(f(yv));
    }
    b.append("<path class=\"series\" d=\"")
        .append(path)
        .append("\" fill=\"none\" stroke=\"#1c64b8\" stroke-width=\"1.5\"/>");
    for (int i = 0; i < pts.size(); i++) {
      Point p = pts.get(i);
      double x = LEFT + (i + 0.5) * step;
      b.append("<circle class=\"point\" data-interval=\"")
          .append(esc(p.label()))
          .append("\" data-value=\"")
          .append(p.value())
          .append("\" cx=\"")
          .append(f(x))
          .append("\" cy=\"")
          .append(f(y(p.value(), lo, hi, plotH)))
          .append("\" r=\"")
          .append(i == pts.size() - 1 ? 4.5 : 3)
          .append("\" fill=\"")
          .append(color(p.status()))
          .append("\"><title>")
          .append(esc(p.label() + " · " + p.runId() + " · " + num(p.value())))
          .append("</title></circle>");
    }
    // first and last interval under the axis
    b.append("<text x=\"")
        .append(f(LEFT + 0.5 * step))
        .append("\" y=\"")
        .append(H - BOTTOM + 14)
        .append("\" text-anchor=\"start\">")
        .append(esc(pts.get(0).label()))
        .append("</text>");
    if (pts.size() > 1) {
      b.append("<text x=\"")
          .append(f(LEFT + (pts.size() - 0.5) * step))
          .append("\" y=\"")
          .append(H - BOTTOM + 14)
          .append("\" text-anchor=\"end\">")
          .append(esc(pts.get(pts.size() - 1).label()))
          .append("</text>");
    }
    return b.append("</svg>\n").toString();
  }

  static String barSvg(Chart c) {
    List<Point> pts = c.points();
    if (pts.isEmpty()) {
      return empty(c, "no drift check ran in this run");
    }
    double[] d = domain(pts, true);
    double lo = d[0];
    double hi = d[1];
    int plotW = W - LEFT - RIGHT;
    int plotH = H - TOP - BOTTOM;
    double step = (double) plotW / pts.size();
    StringBuilder b = new StringBuilder(svgOpen(c, pts.size() + " sensors"));
    b.append(axes(lo, hi));
    for (int i = 0; i < pts.size(); i++) {
      Point p = pts.get(i);
      double x = LEFT + i * step + step * 0.2;
      double top = y(p.value(), lo, hi, plotH);
      double base = y(Math.max(lo, 0), lo, hi, plotH);
      b.append("<rect class=\"bar\" data-sensor=\"")
          .append(esc(p.label()))
          .append("\" data-value=\"")
          .append(p.value())
          .append("\" x=\"")
          .append(f(x))
          .append("\" y=\"")
          .append(f(Math.min(top, base)))
          .append("\" width=\"")
          .append(f(step * 0.6))
          .append("\" height=\"")
          .append(f(Math.max(1, Math.abs(base - top))))
          .append("\" fill=\"")
          .append(color(p.status()))
          .append("\"><title>")
          .append(esc(p.label() + " · " + num(p.value()) + " (" + p.status() + ")"))
          .append("</title></rect>");
      Double limit = p.upper() != null ? p.upper() : p.lower();
      if (limit != null) {
        double yl = clamp(y(limit, lo, hi, plotH), TOP, TOP + plotH);
        b.append("<line class=\"threshold\" data-limit=\"")
            .append(limit)
            .append("\" x1=\"")
            .append(f(LEFT + i * step + step * 0.1))
            .append("\" x2=\"")
            .append(f(LEFT + (i + 1) * step - step * 0.1))
            .append("\" y1=\"")
            .append(f(yl))
            .append("\" y2=\"")
            .append(f(yl))
            .append("\" stroke=\"#1f2933\" stroke-dasharray=\"4 2\"/>");
      }
      b.append("<text x=\"")
          .append(f(LEFT + (i + 0.5) * step))
          .append("\" y=\"")
          .append(H - BOTTOM + 14)
          .append("\" text-anchor=\"middle\">")
          .append(esc(shortSensor(p.label())))
          .append("</text>");
    }
    return b.append("</svg>\n").toString();
  }

  private static String shortSensor(String s) {
    int u = s.lastIndexOf('_');
    return u > 0 ? s.substring(0, u) : s;
  }

  private static double y(double v, double lo, double hi, int plotH) {
    return TOP + plotH - (v - lo) / (hi - lo) * plotH;
  }

  private static double clamp(double v, double min, double max) {
    return Math.max(min, Math.min(max, v));
  }
}
