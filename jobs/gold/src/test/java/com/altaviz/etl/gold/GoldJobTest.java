package com.altaviz.etl.gold;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.SparkTestBase;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gold job end to end in-process (real Spark, real Delta) on simulated-like silver with gaps,
 * jitter and nulls: day-by-day runs vs one week-long run, idempotent re-runs, an independent DuckDB
 * cross-check of every rolling feature, exit codes of bad input.
 */
class GoldJobTest extends SparkTestBase {
  private static final LocalDate START = LocalDate.of(2024, 2, 1);
  private static final int COMPRESSORS = 12;
  private static final int DAYS = 7;
  private static final String[] FEATURES = {
    "vibration_1hr_mean", "vibration_1hr_std", "vibration_1hr_max", "temp_1hr_mean",
    "temp_1hr_std", "pressure_1hr_mean", "vibration_4hr_mean", "temp_4hr_mean",
    "pressure_4hr_mean", "vibration_24hr_mean", "temp_24hr_mean", "pressure_24hr_mean",
    "readings_1hr", "readings_24hr", "temp_1hr_delta", "days_since_maintenance"
  };

  @TempDir static Path dir;
  private static String daily;
  private static String weekly;
  private static long silverRows;

  @BeforeAll
  static void runDayByDayAndAsOneWeek() {
    daily = dir.resolve("daily").toString();
    weekly = dir.resolve("weekly").toString();
    SyntheticLake.write(spark, daily, COMPRESSORS, DAYS, START, 42);
    SyntheticLake.write(spark, weekly, COMPRESSORS, DAYS, START, 42);
    silverRows = spark.read().format("delta").load(weekly + "/silver/sensor_readings").count();
    for (int d = 0; d < DAYS; d++) {
      LocalDate day = START.plusDays(d);
      assertThat(gold(daily, "--date", day.toString(), "--run-id", "day-" + day)).isZero();
    }
    assertThat(
            gold(
                weekly,
                "--start",
                "2024-02-01T00:00:00Z",
                "--end",
                "2024-02-08T00:00:00Z",
                "--run-id",
                "week"))
        .isZero();
  }

  static int gold(String lake, String... args) {
    List<String> all = new ArrayList<>(List.of("--lake", lake));
    all.addAll(List.of(args));
    return JobLauncher.run(new GoldJob(), all.toArray(new String[0]));
  }

  private static Dataset<Row> table(String lake) {
    return spark.read().format("delta").load(lake + "/gold/sensor_features");
  }

  private static void assertSameRows(Dataset<Row> a, Dataset<Row> b) {
    assertThat(a.count()).isEqualTo(b.count());
    assertThat(a.exceptAll(b).count()).as("rows only in the first table").isZero();
    assertThat(b.exceptAll(a).count()).as("rows only in the second table").isZero();
  }

  @Test
  void aGoldCheckWithActionFailExitsThreeAfterTheCommitWithItsResults() throws Exception {
    String lake = dir.resolve("strict").toString();
    SyntheticLake.write(spark, lake, 3, 2, START, 7); // COMP-003 degrades past 2 mm/s
    String yaml = Files.readString(Path.of("config/etl_config.yaml"));
    String range =
        "gold_vibration_range: {kind: range, table: gold/sensor_features, min: 0, max: 50,";
    assertThat(yaml).contains(range);
    Path config = dir.resolve("strict-gold.yaml");
    Files.writeString(config, yaml.replace(range, range.replace("max: 50", "max: 2")));

    String day = START.plusDays(1).toString();
    assertThat(gold(lake, "--date", day, "--run-id", "strict", "--config", config.toString()))
        .isEqualTo(3);

    // gold is committed; the check counted its rows of the output range (lookback day + day)
    Dataset<Row> out = table(lake).where("_run_id = 'strict'");
    long above = out.where("vibration_24hr_mean > 2 OR isnan(vibration_24hr_mean)").count();
    assertThat(above).isPositive();
    List<Row> rows =
        spark
            .read()
            .format("delta")
            .load(lake + "/ops/quality_metrics")
            .where("run_id = 'strict' AND metric = 'gold_vibration_range'")
            .orderBy("column_name")
            .select("column_name", "value", "status", "kind", "lower_bound", "upper_bound")
            .collectAsList();
    assertThat(rows)
        .extracting(r -> r.getString(0))
        .containsExactly("vibration_1hr_max", "vibration_1hr_mean", "vibration_24hr_mean");
    assertThat(rows.get(2).toString())
        .isEqualTo("[vibration_24hr_mean," + (double) above + ",fail,range,0.0,2.0]");
  }

  @Test
  void dayByDayRunsEqualOneWeekRun() {
    assertThat(table(weekly).count()).isEqualTo(silverRows);
    assertSameRows(table(daily).drop("_run_id"), table(weekly).drop("_run_id"));
    // each date was last written by the run of the next day (its lookback), the last by its own
    // (jittered readings of the first slot fall on 2024-01-31, written by the first run)
    LocalDate last = START.plusDays(DAYS - 1);
    List<Row> writers =
        table(daily).groupBy("date", "_run_id").count().orderBy("date").collectAsList();
    assertThat(writers).hasSize(DAYS + 1);
    for (Row w : writers) {
      LocalDate date = w.getDate(0).toLocalDate();
      LocalDate writer = date.plusDays(1).isAfter(last) ? last : date.plusDays(1);
      assertThat(w.getString(1)).as("writer of %s", date).isEqualTo("day-" + writer);
    }
  }

  /**
   * Gold reads silver through Delta, whatever its files: the same rows compacted into one file per
   * date (as OPTIMIZE leaves them) give the same table.
   */
  @Test
  void silverCompactedIntoOneFilePerDateGivesTheSameTable() {
    String lake = dir.resolve("one-file-per-date").toString();
    SyntheticLake.write(spark, lake, COMPRESSORS, DAYS, START, 42);
    spark
        .read()
        .format("delta")
        .load(lake + "/silver/sensor_readings")
        .coalesce(1)
        .localCheckpoint(true)
        .write()
        .format("delta")
        .mode("overwrite")
        .partitionBy("date")
        .save(lake + "/silver/sensor_readings");
    Row detail = DeltaTable.forPath(spark, lake + "/silver/sensor_readings").detail().first();
    long dates =
        spark
            .read()
            .format("delta")
            .load(lake + "/silver/sensor_readings")
            .select("date")
            .distinct()
            .count();
    assertThat(detail.<Long>getAs("numFiles")).as("one silver file per date").isEqualTo(dates);
    assertThat(
            gold(
                lake,
                "--start",
                "2024-02-01T00:00:00Z",
                "--end",
                "2024-02-08T00:00:00Z",
                "--run-id",
                "week"))
        .isZero();
    assertSameRows(table(lake), table(weekly));
  }

  @Test
  void reRunningADayLeavesIdenticalContents() {
    Dataset<Row> before = table(daily).localCheckpoint(true);
    long version =
        DeltaTable.forPath(spark, daily + "/gold/sensor_features")
            .history(1)
            .select("version")
            .first()
            .getLong(0);
    LocalDate last = START.plusDays(DAYS - 1);
    assertThat(gold(daily, "--date", last.toString(), "--run-id", "day-" + last)).isZero();
    assertSameRows(table(daily), before);
    long after =
        DeltaTable.forPath(spark, daily + "/gold/sensor_features")
            .history(1)
            .select("version")
            .first()
            .getLong(0);
    assertThat(after).as("a new commit replaced the same rows").isEqualTo(version + 1);
  }

  @Test
  void tableIsPartitionedByDateAndTheLedgerPinsVersions() {
    Row detail = DeltaTable.forPath(spark, weekly + "/gold/sensor_features").detail().first();
    assertThat(detail.getList(detail.fieldIndex("partitionColumns"))).containsExactly("date");
    Row run =
        spark
            .read()
            .format("delta")
            .load(weekly + "/ops/pipeline_runs")
            .where("run_id = 'week' AND stage = 'gold'")
            .first();
    assertThat(run.<String>getAs("status")).isEqualTo("success");
    assertThat(run.<Long>getAs("input_version")).isEqualTo(0L);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(silverRows);
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(silverRows);
  }

  /** Every rolling feature against DuckDB window SQL and ASOF joins on the same silver data. */
  @Test
  void everyRollingFeatureMatchesDuckDb() throws Exception {
    String parquet = dir.resolve("silver_parquet").toString();
    String events = dir.resolve("maintenance_parquet").toString();
    spark
        .read()
        .format("delta")
        .load(weekly + "/silver/sensor_readings")
        .write()
        .mode("overwrite")
        .parquet(parquet);
    spark
        .read()
        .format("delta")
        .load(weekly + "/bronze/maintenance_logs")
        .write()
        .mode("overwrite")
        .parquet(events);
    Map<String, Double[]> reference = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      try (ResultSet rs =
          st.executeQuery(DuckDbReference.rollingFeatures(parquet + "/**/*.parquet"))) {
        while (rs.next()) {
          Double[] values = new Double[FEATURES.length];
          for (int f = 0; f < 14; f++) {
            double x = rs.getDouble(3 + f);
            values[f] = rs.wasNull() ? null : x;
          }
          reference.put(rs.getString(1) + "@" + rs.getLong(2), values);
        }
      }
      try (ResultSet rs =
          st.executeQuery(
              DuckDbReference.pointInTime(parquet + "/**/*.parquet", events + "/*.parquet"))) {
        while (rs.next()) {
          Double[] values = reference.get(rs.getString(1) + "@" + rs.getLong(2));
          for (int f = 0; f < 2; f++) {
            double x = rs.getDouble(3 + f);
            values[14 + f] = rs.wasNull() ? null : x;
          }
        }
      }
    }
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    cols.add(functions.col("compressor_id"));
    cols.add(functions.expr("unix_micros(timestamp)"));
    for (String f : FEATURES) {
      cols.add(functions.col(f).cast("double"));
    }
    List<Row> gold =
        table(weekly).select(cols.toArray(new org.apache.spark.sql.Column[0])).collectAsList();
    assertThat(gold).hasSize(reference.size());
    double maxDiff = 0;
    int compared = 0;
    int nulls = 0;
    for (Row r : gold) {
      Double[] expected = reference.get(r.getString(0) + "@" + r.getLong(1));
      assertThat(expected).as("DuckDB row for %s", r).isNotNull();
      for (int f = 0; f < FEATURES.length; f++) {
        Object actual = r.get(2 + f);
        String what = FEATURES[f] + " of " + r.getString(0) + " at " + r.getLong(1);
        if (expected[f] == null) {
          assertThat(actual).as(what).isNull();
          nulls++;
        } else {
          assertThat(actual).as(what).isNotNull();
          double diff = Math.abs((Double) actual - expected[f]);
          assertThat(diff).as(what).isLessThanOrEqualTo(1e-9);
          maxDiff = Math.max(maxDiff, diff);
          compared++;
        }
      }
    }
    System.out.printf(
        "gold vs DuckDB cross-check: %d rows, %d values compared, %d nulls matched, "
            + "max abs diff %.3e%n",
        gold.size(), compared, nulls, maxDiff);
    assertThat(nulls).as("the fixture has null features to compare").isGreaterThan(100);
  }

  @Test
  void processingEverythingReplacesTheWholeTable() {
    String all = dir.resolve("all").toString();
    SyntheticLake.write(spark, all, 3, 2, START, 7);
    assertThat(gold(all, "--date", "2024-02-02", "--run-id", "one-day")).isZero();
    assertThat(gold(all, "--run-id", "all")).isZero();
    assertThat(table(all).count())
        .isEqualTo(spark.read().format("delta").load(all + "/silver/sensor_readings").count());
    assertThat(table(all).where("_run_id <> 'all'").count()).isZero();
  }

  /** Gold's files: Delta statistics, page statistics and nulls as Spark reads them. */
  @Test
  void writtenFilesReadBackWithPushdownAndDeltaStatistics() {
    Dataset<Row> gold = table(weekly);
    Dataset<Row> copy = gold.localCheckpoint(true); // filters below run on it without pushdown
    String[] filters = {
      "vibration_1hr_mean > 5", "temp_1hr_delta IS NULL", "model IS NULL",
      "compressor_id = 'COMP-003'", "timestamp >= '2024-02-03 12:00:00'", "readings_1hr < 55",
      "is_weekend", "hour_of_day = 7", "overall_status = 'critical'"
    };
    for (String f : filters) {
      long expected = copy.where(f).count();
      assertThat(gold.where(f).count()).as(f).isEqualTo(expected);
    }
    assertThat(copy.where("temp_1hr_delta IS NULL").count()).as("fixture has nulls").isPositive();
    Dataset<Row> adds =
        spark
            .read()
            .json(weekly + "/gold/sensor_features/_delta_log/*.json")
            .where("add IS NOT NULL")
            .select(
                functions
                    .from_json(
                        functions.col("add.stats"),
                        (org.apache.spark.sql.types.StructType)
                            org.apache.spark.sql.types.DataType.fromDDL(
                                "numRecords LONG, minValues STRUCT<compressor_id: STRING>,"
                                    + " maxValues STRUCT<compressor_id: STRING>"),
                        Map.<String, String>of())
                    .as("s"));
    Row stats =
        adds.selectExpr(
                "sum(s.numRecords)",
                "min(s.minValues.compressor_id)",
                "max(s.maxValues.compressor_id)")
            .first();
    assertThat(stats.getLong(0)).isEqualTo(silverRows);
    Row ids = copy.selectExpr("min(compressor_id)", "max(compressor_id)").first();
    assertThat(stats.getString(1)).isEqualTo(ids.getString(0));
    assertThat(stats.getString(2)).isEqualTo(ids.getString(1));
  }

  /** An hourly range cuts through two days: their rows outside the range stay as they were. */
  @Test
  void aRangeThatCutsADayReplacesOnlyThatRange() {
    String lake = dir.resolve("hours").toString();
    SyntheticLake.write(spark, lake, 3, 3, START, 5);
    assertThat(gold(lake, "--run-id", "all")).isZero();
    Dataset<Row> before = table(lake).drop("_run_id").localCheckpoint(true);
    assertThat(
            gold(
                lake,
                "--start",
                "2024-02-03T06:00:00Z",
                "--end",
                "2024-02-03T12:00:00Z",
                "--run-id",
                "hours"))
        .isZero();
    assertSameRows(table(lake).drop("_run_id"), before);
    // output = [start - 24h lookback, end)
    String range = "timestamp >= '2024-02-02 06:00:00' AND timestamp < '2024-02-03 12:00:00'";
    assertThat(table(lake).where("_run_id = 'hours'").count())
        .isEqualTo(before.where(range).count())
        .isPositive();
    assertThat(table(lake).where("_run_id = 'hours' AND NOT (" + range + ")").count()).isZero();
  }

  /** Silver rows deleted by deletion vector are not read: Delta's reader applies the vectors. */
  @Test
  void silverWithDeletionVectorsIsReadThroughDelta() {
    String lake = dir.resolve("dv").toString();
    SyntheticLake.write(spark, lake, 3, 2, START, 11);
    String silver = "delta.`" + lake + "/silver/sensor_readings`";
    spark.sql(
        "ALTER TABLE " + silver + " SET TBLPROPERTIES ('delta.enableDeletionVectors' = true)");
    spark.sql("DELETE FROM " + silver + " WHERE compressor_id = 'COMP-002'");
    long kept = spark.read().format("delta").load(lake + "/silver/sensor_readings").count();
    assertThat(gold(lake, "--run-id", "dv")).isZero();
    assertThat(table(lake).count()).isEqualTo(kept);
    assertThat(table(lake).where("compressor_id = 'COMP-002'").count()).isZero();
    assertThat(table(lake).select("compressor_id").distinct().count()).isEqualTo(2);
  }

  @Test
  void aGoldTableOfAnotherLayoutIsRefused() {
    String lake = dir.resolve("layout").toString();
    SyntheticLake.write(spark, lake, 2, 1, START, 3);
    spark
        .sql("SELECT 'x' AS compressor_id, DATE'2024-02-01' AS date")
        .write()
        .format("delta")
        .partitionBy("date")
        .save(lake + "/gold/sensor_features");
    assertThat(gold(lake, "--date", "2024-02-01")).isEqualTo(2);
    assertThat(table(lake).count()).as("left as it was").isEqualTo(1);
    assertThat(
            new java.io.File(lake + "/gold/sensor_features/date=2024-02-01")
                .list((d, name) -> name.endsWith(".parquet")))
        .as("refused before writing any file")
        .hasSize(1);
  }

  @Test
  void badInputExitsTwo() {
    String empty = dir.resolve("empty").toString();
    assertThat(gold(empty, "--date", "2024-02-02")).as("no silver table").isEqualTo(2);
    assertThat(gold(weekly, "--date", "2024-02-02", "--input-version", "99"))
        .as("a silver version that does not exist")
        .isEqualTo(2);
    assertThat(gold(weekly, "--date", "2024-02-30")).as("not a date").isEqualTo(2);
    String noDims = dir.resolve("nodims").toString();
    SyntheticLake.silver(spark, 2, 1, START, 1)
        .write()
        .format("delta")
        .partitionBy("date")
        .save(noDims + "/silver/sensor_readings");
    assertThat(gold(noDims, "--date", "2024-02-01")).as("no bronze metadata").isEqualTo(2);
    assertThat(new java.io.File(noDims + "/gold/sensor_features")).doesNotExist();
  }
}
