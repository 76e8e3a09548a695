package com.altaviz.etl.common.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.CheckKind;
import com.altaviz.etl.common.config.RuleAction;
import com.altaviz.etl.common.quality.QualityStore.Series;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ops/quality_metrics as metric history: read by interval (not by the time a row was computed),
 * latest row per interval, and a table written before the check suite keeps working.
 */
class QualityStoreTest extends SparkTestBase {
  @TempDir Path dir;

  static final LocalDate D = LocalDate.parse("2024-02-10");
  static final Series ROWS = new Series("silver_row_count_anomaly", "*", "*");

  /** A row in the ten-column layout that lakes had before the check suite. */
  static Row oldRow(String runId, LocalDate day, String metric, double value, String computedAt) {
    Interval i = Interval.ofDate(day);
    return RowFactory.create(
        runId,
        "silver",
        Timestamp.from(i.start()),
        Timestamp.from(i.end()),
        metric,
        "*",
        value,
        null,
        "pass",
        Timestamp.from(Instant.parse(computedAt)));
  }

  static StructType oldSchema() {
    return new StructType(
        Arrays.copyOf(Schemas.QUALITY_METRICS.fields(), Schemas.QUALITY_METRICS_BASE_COLUMNS));
  }

  /**
   * Days D-6 … D+2 were run in wall-clock order D+2, D+1, then D-6 … D-1 (a backfill after the
   * newer days), and D-1 was re-run later with a corrected value. Days after D hold a drop.
   */
  String lake() {
    List<Row> rows = new ArrayList<>();
    rows.add(oldRow("r+2", D.plusDays(2), ROWS.metric(), 100, "2024-03-01T00:00:00Z"));
    rows.add(oldRow("r+1", D.plusDays(1), ROWS.metric(), 100, "2024-03-02T00:00:00Z"));
    for (int k = 6; k >= 1; k--) {
      rows.add(
          oldRow(
              "r-" + k,
              D.minusDays(k),
              ROWS.metric(),
              1440 + k,
              "2024-03-0" + (9 - k) + "T00:00:00Z"));
    }
    rows.add(oldRow("r-1b", D.minusDays(1), ROWS.metric(), 1439, "2024-03-09T00:00:00Z"));
    rows.add(oldRow("r-1", D.minusDays(1), "completeness", 0.99, "2024-03-08T00:00:00Z"));
    String path = dir.resolve("quality_metrics").toString();
    spark.createDataFrame(rows, oldSchema()).write().format("delta").save(path);
    return path;
  }

  @Test
  void historyIsReadByIntervalBeforeThisOneLatestRowPerInterval() {
    String path = lake();
    Map<Series, List<Double>> h =
        QualityStore.history(spark, path, "silver", List.of(ROWS), Interval.ofDate(D).start(), 3);
    // D-3, D-2, D-1 (its re-run's value), oldest first; nothing from D+1 or D+2
    assertThat(h.get(ROWS)).containsExactly(1443.0, 1442.0, 1439.0);
    assertThat(
            QualityStore.history(spark, path, "gold", List.of(ROWS), Interval.ofDate(D).start(), 3)
                .get(ROWS))
        .isEmpty();
  }

  @Test
  void aRerunOfAnEarlierDayComparesWithTheDaysBeforeIt() {
    String path = lake();
    CheckConfig c =
        new CheckConfig(CheckKind.ROW_COUNT_ANOMALY, "silver/sensor_readings", RuleAction.WARN);
    c.historyRuns = 14;
    c.minHistory = 5;
    c.maxRelativeChange = 0.2;
    c.maxZ = 4.0;
    Map<String, CheckConfig> checks = Map.of(ROWS.metric(), c);
    // day D with a normal count: judged against D-6 … D-1, not the drop of D+1, D+2
    var normal =
        Checks.anomalies(
            spark, path, "silver", checks, Map.of(ROWS, 1441.0), Interval.ofDate(D).start());
    assertThat(normal).hasSize(1);
    assertThat(normal.get(0).status()).isEqualTo("pass");
    assertThat(normal.get(0).message()).contains("vs 6 of 14 intervals");
    // the injected drop is caught
    var drop =
        Checks.anomalies(
            spark, path, "silver", checks, Map.of(ROWS, 700.0), Interval.ofDate(D).start());
    assertThat(drop.get(0).status()).isEqualTo("warn");
    assertThat(drop.get(0).kind()).isEqualTo("row_count_anomaly");
    assertThat(drop.get(0).lower()).isEqualTo(1439 * 0.8);
    // the first days of the lake have too little history
    var early =
        Checks.anomalies(
            spark,
            path,
            "silver",
            checks,
            Map.of(ROWS, 700.0),
            Interval.ofDate(D.minusDays(3)).start());
    assertThat(early.get(0).status()).isEqualTo("pass");
    assertThat(early.get(0).message())
        .isEqualTo("silver_row_count_anomaly insufficient history (3 of 5)");
  }

  @Test
  void writingToATableWithoutTheCheckColumnsAddsThemAndReplacesTheRunsRows() {
    String path = lake();
    Interval day = Interval.ofDate(D);
    CheckResult r =
        new CheckResult(
            ROWS.metric(),
            "*",
            1441.0,
            null,
            "pass",
            ROWS.metric(),
            "row_count_anomaly",
            "silver/sensor_readings",
            "*",
            1100.0,
            1700.0,
            null,
            "warn",
            "normal");
    QualityStore.write(
        spark,
        path,
        List.of(r, CheckResult.info("x", "*", 1.0, null, "pass")),
        "r0",
        "silver",
        day);
    QualityStore.write(spark, path, List.of(r), "r0", "silver", day); // a retry: one set
    var t = spark.read().format("delta").load(path);
    assertThat(t.columns()).containsExactly(Schemas.QUALITY_METRICS.fieldNames());
    List<Row> mine =
        t.where("run_id = 'r0'")
            .select(
                "metric",
                "check_name",
                "table_name",
                "scope",
                "lower_bound",
                "upper_bound",
                "action",
                "message")
            .collectAsList();
    assertThat(mine)
        .containsExactly(
            RowFactory.create(
                ROWS.metric(),
                ROWS.metric(),
                "silver/sensor_readings",
                "*",
                1100.0,
                1700.0,
                "warn",
                "normal"));
    assertThat(t.where("run_id <> 'r0'").count()).isEqualTo(10);
    assertThat(t.where("run_id <> 'r0' AND check_name IS NULL").count()).isEqualTo(10);
    // history reads the evolved table; the old rows have fleet scope
    assertThat(QualityStore.history(spark, path, "silver", List.of(ROWS), day.end(), 2).get(ROWS))
        .containsExactly(1439.0, 1441.0);
  }
}
