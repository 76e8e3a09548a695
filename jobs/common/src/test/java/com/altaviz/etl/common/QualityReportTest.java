package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality report on tiny ops/quality_metrics tables: the extended schema of the check suite and
 * the legacy ten columns, results ordered failures first, bands in the SVG, neighbours by interval
 * (a backfilled day sits between its neighbours), the stage wiring.
 */
class QualityReportTest extends SparkTestBase {
  @TempDir Path lake;

  /** ops/quality_metrics with the check suite's columns appended (all nullable). */
  /** The table as the check suite writes it. */
  static final StructType EXTENDED = Schemas.QUALITY_METRICS;

  /** The table of lakes written before the check suite: its first ten columns. */
  static final StructType LEGACY =
      new StructType(
          Arrays.copyOf(Schemas.QUALITY_METRICS.fields(), Schemas.QUALITY_METRICS_BASE_COLUMNS));

  /** One extended row; {@code day} is the interval's UTC day of February 2024 (0: no interval). */
  static Row ext(
      String run,
      String stage,
      int day,
      int computedMinute,
      String check,
      String kind,
      String table,
      String column,
      String scope,
      Double value,
      Double lower,
      Double upper,
      Double p,
      String status,
      String message) {
    return RowFactory.create(
        run,
        stage,
        day == 0 ? null : ts(day),
        day == 0 ? null : ts(day + 1),
        kind,
        column,
        value,
        null,
        status,
        Timestamp.from(Instant.parse("2024-03-01T00:00:00Z").plusSeconds(60L * computedMinute)),
        check,
        kind,
        table,
        scope,
        lower,
        upper,
        p,
        status.equals("pass") ? null : "warn",
        message);
  }

  /** One legacy row (ten columns). */
  static Row legacy(
      String run,
      int day,
      int computedMinute,
      String metric,
      String column,
      Double value,
      Double limit,
      String status) {
    return RowFactory.create(
        run,
        "silver",
        ts(day),
        ts(day + 1),
        metric,
        column,
        value,
        limit,
        status,
        Timestamp.from(Instant.parse("2024-03-01T00:00:00Z").plusSeconds(60L * computedMinute)));
  }

  static Timestamp ts(int day) {
    return Timestamp.from(Instant.parse("2024-02-01T00:00:00Z").plusSeconds(86_400L * (day - 1)));
  }

  private void write(StructType schema, List<Row> rows) {
    spark
        .createDataFrame(rows, schema)
        .write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .save(new LakePaths(lake.toString()).qualityMetrics());
  }

  private String render(String run) throws Exception {
    Optional<String> path = QualityReport.render(spark, new LakePaths(lake.toString()), run);
    assertThat(path).as("report of " + run).isPresent();
    assertThat(path.get()).isEqualTo(page(run).toString());
    return Files.readString(page(run), StandardCharsets.UTF_8);
  }

  private Path page(String run) {
    return lake.resolve("reports").resolve(QualityReport.directoryOf(run)).resolve("index.html");
  }

  /** The silver row-count history of run {@code run} of day {@code day}, with a band. */
  private static Row rowCount(String run, int day, int minute, double value, String status) {
    return ext(
        run,
        "silver",
        day,
        minute,
        "silver_row_count",
        "row_count_anomaly",
        "silver/sensor_readings",
        null,
        "*",
        value,
        1300.0,
        1500.0,
        null,
        status,
        status.equals("pass") ? null : "row count " + value + " outside [1300, 1500]");
  }

  @Test
  void everyResultOfTheRunFailuresFirstWithItsBandAndDrift() throws Exception {
    List<Row> rows = new ArrayList<>();
    rows.add(rowCount("r1", 1, 0, 1440.0, "pass"));
    rows.add(rowCount("r2", 2, 10, 1000.0, "fail"));
    rows.add(
        ext(
            "r2",
            "silver",
            2,
            10,
            "vibration_range",
            "range",
            "silver/sensor_readings",
            "vibration_mms",
            "*",
            0.0,
            0.0,
            50.0,
            null,
            "pass",
            null));
    rows.add(
        ext(
            "r2",
            "gold",
            2,
            11,
            "ks_vibration",
            "ks_drift",
            "gold/sensor_features",
            "vibration_mms",
            "*",
            0.31,
            null,
            0.2,
            0.0004,
            "warn",
            "KS D 0.31 > 0.2"));
    rows.add(
        ext(
            "r2",
            "gold",
            2,
            11,
            "psi_vibration",
            "psi_drift",
            "gold/sensor_features",
            "vibration_mms",
            "*",
            0.05,
            null,
            0.25,
            null,
            "pass",
            null));
    rows.add(
        ext(
            "r2",
            "silver",
            2,
            10,
            "completeness_per_compressor",
            "completeness",
            "silver/sensor_readings",
            null,
            "COMP-003",
            0.5,
            0.9,
            null,
            null,
            "warn",
            "COMP-003 sent 50% of its readings"));
    rows.add(
        ext(
            "r2",
            "gold",
            2,
            11,
            "ks_vibration_model",
            "ks_drift",
            "gold/sensor_features",
            "vibration_mms",
            "model=Ariel JGK/4",
            0.12,
            null,
            0.2,
            0.3,
            "pass",
            null));
    // another run's per-compressor row is not read for the report of r2
    rows.add(
        ext(
            "r1",
            "silver",
            1,
            0,
            "completeness_per_compressor",
            "completeness",
            "silver/sensor_readings",
            null,
            "COMP-001",
            1.0,
            0.9,
            null,
            null,
            "pass",
            null));
    write(EXTENDED, rows);

    assertThat(QualityReport.read(spark, new LakePaths(lake.toString()).qualityMetrics(), "r2"))
        .extracting(QualityReport.MetricRow::runId, QualityReport.MetricRow::name)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("r1", "silver_row_count"),
            org.assertj.core.groups.Tuple.tuple("r2", "silver_row_count"),
            org.assertj.core.groups.Tuple.tuple("r2", "vibration_range"),
            org.assertj.core.groups.Tuple.tuple("r2", "ks_vibration"),
            org.assertj.core.groups.Tuple.tuple("r2", "psi_vibration"),
            org.assertj.core.groups.Tuple.tuple("r2", "completeness_per_compressor"),
            org.assertj.core.groups.Tuple.tuple("r2", "ks_vibration_model"));

    String html = render("r2");
    assertThat(html).contains("<dd id=\"run-id\">r2</dd>");
    assertThat(html)
        .contains("<dd id=\"interval\">[2024-02-02T00:00:00Z, 2024-02-03T00:00:00Z)</dd>");
    assertThat(html).contains("<dd id=\"stages\">silver, gold</dd>");
    assertThat(html).contains("<dd id=\"status\"><span class=\"badge status-fail\">fail</span>");
    assertThat(html).contains("<dd id=\"counts\">6 (1 failed, 2 warned)</dd>");
    // failures first, then warnings (silver before gold), then passes
    assertThat(
            attr(
                html,
                "tr class=\"result [^\"]+\" data-status=\"([a-z]+)\" data-check=\"([^\"]+)\""))
        .containsExactly(
            "fail silver_row_count",
            "warn completeness_per_compressor",
            "warn ks_vibration",
            "pass vibration_range",
            "pass ks_vibration_model",
            "pass psi_vibration");
    assertThat(html)
        .contains(
            "<td>silver_row_count</td><td>row_count_anomaly</td><td>silver/sensor_readings</td>"
                + "<td></td><td>*</td><td class=\"num\">1,000</td>"
                + "<td class=\"num\">[1,300, 1,500]</td>");
    assertThat(html)
        .contains(
            "<td>ks_vibration</td><td>ks_drift</td><td>gold/sensor_features</td>"
                + "<td>vibration_mms</td><td>*</td><td class=\"num\">0.31</td>"
                + "<td class=\"num\">≤ 0.2</td><td class=\"num\">0.0004</td><td>warn</td>"
                + "<td>KS D 0.31 &gt; 0.2</td>");
    assertThat(html).contains("<td>COMP-003</td><td class=\"num\">0.5</td>");
    // the row-count history: two intervals, each with its band
    assertThat(svg(html, "silver-row-count")).contains("data-points=\"2\"");
    assertThat(
            attr(
                svg(html, "silver-row-count"),
                "class=\"band\" data-lower=\"([^\"]*)\" data-upper=\"([^\"]*)\""))
        .containsExactly("1300.0 1500.0", "1300.0 1500.0");
    assertThat(
            attr(
                svg(html, "silver-row-count"),
                "data-interval=\"([^\"]+)\" data-value=\"([^\"]+)\""))
        .containsExactly("2024-02-01 1440.0", "2024-02-02 1000.0");
    // drift: the fleet-wide statistic per sensor, not the per-model one, with its threshold
    assertThat(attr(svg(html, "ks-drift"), "data-sensor=\"([^\"]+)\" data-value=\"([^\"]+)\""))
        .containsExactly("vibration_mms 0.31");
    assertThat(svg(html, "ks-drift")).contains("class=\"threshold\" data-limit=\"0.2\"");
    assertThat(attr(svg(html, "psi-drift"), "data-sensor=\"([^\"]+)\" data-value=\"([^\"]+)\""))
        .containsExactly("vibration_mms 0.05");
    // every chart is drawn, empty ones say so
    for (String id :
        List.of(
            "silver-row-count",
            "fleet-completeness",
            "missing-rate-vibration_mms",
            "missing-rate-gas_flow_mcf",
            "ks-drift",
            "psi-drift")) {
      assertThat(html).contains("data-chart=\"" + id + "\"");
    }
    assertThat(svg(html, "fleet-completeness"))
        .contains("data-points=\"0\"")
        .contains("no values recorded");
    // no script, no external resource
    assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("href=\"http");
  }

  @Test
  void neighboursAndHistoryGoByIntervalSoABackfilledDaySitsBetween() throws Exception {
    List<Row> rows = new ArrayList<>();
    rows.add(rowCount("day1", 1, 0, 1440.0, "pass"));
    rows.add(rowCount("day3", 3, 10, 1430.0, "pass"));
    write(EXTENDED, rows);
    String day1 = render("day1");
    String day3 = render("day3");
    assertThat(day1).contains("<span id=\"previous\">← previous interval: none yet</span>");
    // day3's report did not exist when day1 was rendered: named, not linked
    assertThat(day1).contains("<span id=\"next\">next interval →: day3 (2024-02-03) (no report)");
    assertThat(day3)
        .contains("<a id=\"previous\" rel=\"prev\" href=\"../day1/index.html\">")
        .contains("<span id=\"next\">next interval →: none yet</span>");
    assertThat(Files.readString(lake.resolve("reports/latest/index.html"))).isEqualTo(day3);
    // day 1's page now links forward to day 3
    assertThat(Files.readString(page("day1")))
        .isEqualTo(
            day1.replace(
                "<span id=\"next\">next interval →: day3 (2024-02-03) (no report)</span>",
                "<a id=\"next\" rel=\"next\" href=\"../day3/index.html\">next interval →: day3"
                    + " (2024-02-03)</a>"));

    // day 2 backfilled after day 3 ran: between them by interval, latest stays day 3
    rows.add(rowCount("backfill2", 2, 20, 700.0, "fail"));
    write(EXTENDED, rows);
    String day2 = render("backfill2");
    assertThat(day2)
        .contains("<a id=\"previous\" rel=\"prev\" href=\"../day1/index.html\">")
        .contains("<a id=\"next\" rel=\"next\" href=\"../day3/index.html\">");
    assertThat(
            attr(
                svg(day2, "silver-row-count"),
                "data-interval=\"([^\"]+)\" data-value=\"([^\"]+)\""))
        .containsExactly("2024-02-01 1440.0", "2024-02-02 700.0");
    // its neighbours' pages link to it (and latest, a copy of day 3's page, too)
    assertThat(Files.readString(page("day1")))
        .contains("<a id=\"next\" rel=\"next\" href=\"../backfill2/index.html\">")
        .doesNotContain("../day3/index.html");
    assertThat(Files.readString(page("day3")))
        .contains("<a id=\"previous\" rel=\"prev\" href=\"../backfill2/index.html\">")
        .doesNotContain("../day1/index.html");
    assertThat(Files.readString(lake.resolve("reports/latest/index.html")))
        .isEqualTo(Files.readString(page("day3")));

    // day 3 re-rendered: its history now holds day 2, its previous link is day 2
    String day3again = render("day3");
    assertThat(day3again)
        .contains("<a id=\"previous\" rel=\"prev\" href=\"../backfill2/index.html\">");
    assertThat(
            attr(
                svg(day3again, "silver-row-count"),
                "data-interval=\"([^\"]+)\" data-value=\"([^\"]+)\""))
        .containsExactly("2024-02-01 1440.0", "2024-02-02 700.0", "2024-02-03 1430.0");
    assertThat(Files.readString(lake.resolve("reports/latest/index.html"))).isEqualTo(day3again);

    // a re-run of day 1 (computed later) replaces the first run in day 3's history
    rows.add(rowCount("rerun1", 1, 30, 1450.0, "pass"));
    write(EXTENDED, rows);
    assertThat(
            attr(
                svg(render("day3"), "silver-row-count"),
                "data-interval=\"([^\"]+)\" data-value=\"([^\"]+)\""))
        .containsExactly("2024-02-01 1450.0", "2024-02-02 700.0", "2024-02-03 1430.0");
  }

  @Test
  void theLegacyTenColumnTableWorksWithLimitsAsBandEdges() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int day = 1; day <= 3; day++) {
      rows.add(
          legacy("L" + day, day, day, "missing_rate", "vibration_mms", 0.01 * day, 0.05, "pass"));
      rows.add(
          legacy(
              "L" + day,
              day,
              day,
              "completeness",
              "*",
              1.0 - 0.05 * day,
              0.95,
              day < 2 ? "pass" : "fail"));
      rows.add(legacy("L" + day, day, day, "silver_rows", "*", 1400.0 + day, null, "pass"));
      rows.add(legacy("L" + day, day, day, "completeness", "COMP-002", 0.5, 0.95, "warn"));
    }
    write(LEGACY, rows);
    String html = render("L3");
    assertThat(html).contains("<dd id=\"status\"><span class=\"badge status-fail\">fail</span>");
    assertThat(attr(html, "data-status=\"([a-z]+)\" data-check=\"([^\"]+)\""))
        .containsExactly(
            "fail completeness", "warn completeness", "pass missing_rate", "pass silver_rows");
    assertThat(html)
        .contains(
            "<td>completeness</td><td>completeness</td><td></td><td></td><td>*</td>"
                + "<td class=\"num\">0.85</td><td class=\"num\">≥ 0.95</td>")
        .contains(
            "<td></td><td>COMP-002</td><td class=\"num\">0.5</td><td class=\"num\">≥ 0.95</td>");
    assertThat(
            attr(
                svg(html, "missing-rate-vibration_mms"),
                "class=\"band\" data-lower=\"([^\"]*)\" data-upper=\"([^\"]*)\""))
        .containsExactly(" 0.05", " 0.05", " 0.05");
    assertThat(
            attr(
                svg(html, "missing-rate-vibration_mms"),
                "data-interval=\"([^\"]+)\" data-value=\"([^\"]+)\""))
        .containsExactly("2024-02-01 0.01", "2024-02-02 0.02", "2024-02-03 0.03");
    assertThat(
            attr(
                svg(html, "fleet-completeness"),
                "class=\"band\" data-lower=\"([^\"]*)\" data-upper=\"([^\"]*)\""))
        .containsExactly("0.95 ", "0.95 ", "0.95 ");
    assertThat(svg(html, "silver-row-count")).contains("data-points=\"3\"");
    assertThat(svg(html, "ks-drift")).contains("data-points=\"0\"").contains("no drift check ran");
  }

  @Test
  void historyShowsTheLastThirtyIntervalsUpToTheRunsOwn() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int day = 1; day <= 29; day++) {
      rows.add(rowCount("d" + day, day, day, 1000.0 + day, "pass"));
    }
    write(EXTENDED, rows);
    String html = render("d29");
    assertThat(svg(html, "silver-row-count")).contains("data-points=\"29\"");
    List<String> points =
        attr(svg(render("d28"), "silver-row-count"), "data-interval=\"([^\"]+)\"");
    assertThat(points).hasSize(28).startsWith("2024-02-01").endsWith("2024-02-28");
    for (int day = 30; day <= 33; day++) {
      rows.add(rowCount("d" + day, day, day, 1000.0 + day, "pass"));
    }
    write(EXTENDED, rows);
    points = attr(svg(render("d33"), "silver-row-count"), "data-interval=\"([^\"]+)\"");
    assertThat(points).hasSize(30).startsWith("2024-02-04").endsWith("2024-03-04");
  }

  @Test
  void noRowsOfTheRunNoReport() throws Exception {
    write(EXTENDED, List.of(rowCount("other", 1, 0, 1440.0, "pass")));
    assertThat(QualityReport.render(spark, new LakePaths(lake.toString()), "absent")).isEmpty();
    assertThat(lake.resolve("reports")).doesNotExist();
  }

  @Test
  void numbersReadAsTheyAre() {
    assertThat(QualityReportPage.num(10870.5)).isEqualTo("10,871");
    assertThat(QualityReportPage.num(1440.0)).isEqualTo("1,440");
    assertThat(QualityReportPage.num(0.74652)).isEqualTo("0.7465");
    assertThat(QualityReportPage.num(0.05)).isEqualTo("0.05");
    assertThat(QualityReportPage.num(null)).isEmpty();
  }

  @Test
  void airflowRunIdsBecomeSafeDirectoryNames() {
    assertThat(QualityReport.directoryOf("scheduled__2024-02-02T00:00:00+00:00"))
        .isEqualTo("scheduled__2024-02-02T00_00_00_00_00");
    assertThat(QualityReport.directoryOf("../x")).isEqualTo("_.._x");
  }

  @Test
  void theStageWritesTheReportAfterSuccessAndAfterAGateFailureButNotAfterABug() throws Exception {
    write(
        EXTENDED,
        List.of(
            rowCount("gate-run", 1, 0, 900.0, "fail"),
            rowCount("ok-run", 2, 1, 1440.0, "pass"),
            rowCount("bug-run", 3, 2, 1440.0, "pass")));
    CliRun gate = tiny("--outcome", "gate", "--run-id", "gate-run");
    assertThat(gate.exitCode()).isEqualTo(ExitCode.QUALITY_GATE);
    assertThat(page("gate-run")).exists();
    CliRun ok = tiny("--run-id", "ok-run");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(page("ok-run")).exists();
    assertThat(Files.readString(page("ok-run"))).contains("href=\"../gate-run/index.html\"");
    CliRun bug = tiny("--outcome", "bug", "--run-id", "bug-run");
    assertThat(bug.exitCode()).isEqualTo(ExitCode.FAILURE);
    assertThat(page("bug-run")).doesNotExist();
  }

  @Test
  void aReportThatCannotBeRenderedNeverFailsTheStage() throws Exception {
    // a metrics table whose run_id is a number: the read fails, the stage still succeeds
    spark
        .range(2)
        .toDF("run_id")
        .write()
        .format("delta")
        .save(new LakePaths(lake.toString()).qualityMetrics());
    CliRun ok = tiny("--run-id", "ok-run");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(lake.resolve("reports")).doesNotExist();
  }

  private CliRun tiny(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--lake";
    all[1] = lake.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return CliRun.of(new StageJobTest.TinyStage(), all);
  }

  /** The SVG element of chart {@code id}. */
  static String svg(String html, String id) {
    int start =
        html.indexOf(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"" + id + "\"");
    assertThat(start).as("chart " + id).isNotNegative();
    return html.substring(start, html.indexOf("</svg>", start) + 6);
  }

  /** Every match of {@code regex} in {@code text}, its groups joined by a space. */
  static List<String> attr(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      List<String> groups = new ArrayList<>();
      for (int g = 1; g <= m.groupCount(); g++) {
        groups.add(m.group(g));
      }
      out.add(String.join(" ", groups));
    }
    return out;
  }
}
