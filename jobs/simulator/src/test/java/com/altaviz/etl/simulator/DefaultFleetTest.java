package com.altaviz.etl.simulator;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.ConfigLoader;
import com.altaviz.etl.common.config.EtlConfig;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default data set (10 compressors × 7 days from 2024-02-01, seed 42, rates from
 * config/etl_config.yaml): reading counts, defect counts against the report and the configured
 * rates, and the failure story of COMP-003 and COMP-007.
 */
class DefaultFleetTest extends SparkTestBase {
  @TempDir static Path raw;
  static SimulationSpec spec;
  static SimulationReport report;

  /** The generated rows with their defect labels (same spec, so the same data as the files). */
  static List<Row> generated;

  static Dataset<Row> landed;

  @BeforeAll
  static void simulate() throws Exception {
    EtlConfig cfg = ConfigLoader.load(Path.of("config/etl_config.yaml"));
    spec =
        new SimulationSpec(
            10, 7, LocalDate.parse("2024-02-01"), 42, DefectRates.from(cfg.simulator));
    report = FleetSimulation.run(spark, spec, raw.toString());
    generated = FleetReadings.generate(spark, spec, null).collectAsList();
    landed = Landing.readings(spark, raw).cache();
  }

  @Test
  void has10080DistinctReadingsPlusTheInjectedExtraRows() {
    Timestamp end = Timestamp.from(spec.periodEnd());
    assertThat(report.readings()).isEqualTo(10_080);
    assertThat(
            landed
                .where(col("timestamp").lt(end))
                .select("compressor_id", "timestamp")
                .distinct()
                .count())
        .isEqualTo(10_080);
    assertThat(landed.where(col("timestamp").lt(Timestamp.from(spec.periodStart()))).count())
        .isZero();
    long duplicates = report.count(SimulationCounts.DUPLICATES);
    long future = report.count(SimulationCounts.FUTURE);
    assertThat(future).isEqualTo(5);
    assertThat(duplicates).isPositive();
    assertThat(landed.count()).isEqualTo(10_080 + duplicates + future).isEqualTo(report.rows());
    assertThat(landed.where("kind = 'retransmit'").count()).isEqualTo(duplicates);
    assertThat(landed.where(col("timestamp").geq(end)).count()).isEqualTo(future);
    assertThat(landed.select("compressor_id", "timestamp").distinct().count())
        .isEqualTo(10_080 + future);
  }

  @Test
  void rowsPerDayFolderAreWhatTheReportSays() {
    Map<String, Long> perFolder =
        landed.groupBy("folder").count().collectAsList().stream()
            .collect(
                Collectors.toMap(
                    r -> r.getString(0), r -> r.getLong(1), (a, b) -> a, TreeMap::new));
    Map<String, Long> expected = new TreeMap<>();
    for (int d = 0; d < spec.days(); d++) {
      expected.put(spec.day(d).toString(), report.counts().landed(d));
    }
    assertThat(perFolder).isEqualTo(expected);
    assertThat(report.readingFiles().keySet())
        .containsExactly(
            "date=2024-02-01",
            "date=2024-02-02",
            "date=2024-02-03",
            "date=2024-02-04",
            "date=2024-02-05",
            "date=2024-02-06",
            "date=2024-02-07");
  }

  @Test
  void filesHoldExactlyTheGeneratedRows() {
    Dataset<Row> labelled =
        spark
            .createDataFrame(generated, FleetReadings.GENERATED)
            .select(
                nineColumnsAnd(
                    functions.date_format(col("date"), "yyyy-MM-dd").as("folder"),
                    col("file").as("kind")));
    Dataset<Row> files = landed.select(nineColumnsAnd(col("folder"), col("kind")));
    assertThat(files.exceptAll(labelled).count()).isZero();
    assertThat(labelled.exceptAll(files).count()).isZero();
  }

  @Test
  void reportedDefectCountsMatchTheData() {
    assertThat(
            count(
                r ->
                    isFirstDelivery(r)
                        && !label(r).equals(CompressorDay.NO_DEFECT)
                        && !label(r).startsWith(CompressorDay.SPIKE)))
        .isEqualTo(report.count(SimulationCounts.NULLS));
    assertThat(count(r -> isFirstDelivery(r) && label(r).equals(CompressorDay.ALL_NULL)))
        .isEqualTo(report.count(SimulationCounts.ALL_NULL));
    assertThat(count(r -> isFirstDelivery(r) && label(r).startsWith(CompressorDay.SPIKE)))
        .isEqualTo(report.count(SimulationCounts.SPIKES));
    assertThat(count(r -> delivery(r).equals(CompressorDay.LATE)))
        .isEqualTo(report.count(SimulationCounts.LATE));
    assertThat(count(r -> delivery(r).equals(CompressorDay.RETRANSMITTED_CHANGED)))
        .isEqualTo(report.count(SimulationCounts.CHANGED_DUPLICATES));

    // The same numbers seen in the files alone, without labels.
    Dataset<Row> parts = landed.where("kind = 'part'");
    String anyNull =
        Schemas.SENSOR_COLUMNS.stream()
            .map(c -> c + " IS NULL")
            .collect(Collectors.joining(" OR "));
    String allNull =
        Schemas.SENSOR_COLUMNS.stream()
            .map(c -> c + " IS NULL")
            .collect(Collectors.joining(" AND "));
    assertThat(parts.where(anyNull).count()).isEqualTo(report.count(SimulationCounts.NULLS));
    assertThat(parts.where(allNull).count()).isEqualTo(report.count(SimulationCounts.ALL_NULL));
    assertThat(parts.where("to_date(timestamp) = date_sub(to_date(folder), 1)").count())
        .isEqualTo(report.count(SimulationCounts.LATE));
    Dataset<Row> retransmits = landed.where("kind = 'retransmit'");
    long changed =
        retransmits
            .as("r")
            .join(
                parts.as("p"),
                functions.expr("r.compressor_id = p.compressor_id AND r.timestamp = p.timestamp"))
            .where(
                Schemas.SENSOR_COLUMNS.stream()
                    .map(c -> "NOT (r." + c + " <=> p." + c + ")")
                    .collect(Collectors.joining(" OR ")))
            .count();
    assertThat(changed).isEqualTo(report.count(SimulationCounts.CHANGED_DUPLICATES));
  }

  /**
   * Tolerance: each count is a binomial draw, so it must lie within 4 standard deviations (+1 for
   * rounding) of rate × eligible readings — a false alarm once in ~16,000 seeds.
   */
  @Test
  void injectedDefectCountsMatchTheConfiguredRates() {
    assertRates(report);
  }

  @Test
  void higherConfiguredRatesGiveProportionallyMoreDefects(@TempDir Path dir) throws Exception {
    DefectRates high = new DefectRates(0.15, 0.3, 0.02, 0.05, 0.1, 20);
    SimulationReport r =
        FleetSimulation.run(
            spark,
            new SimulationSpec(10, 7, LocalDate.parse("2024-02-01"), 42, high),
            dir.toString());
    assertRates(r);
    assertThat(r.count(SimulationCounts.NULLS))
        .isGreaterThan(5 * report.count(SimulationCounts.NULLS));
  }

  @Test
  void zeroRatesGiveCleanData(@TempDir Path dir) throws Exception {
    SimulationReport r =
        FleetSimulation.run(
            spark,
            new SimulationSpec(10, 7, LocalDate.parse("2024-02-01"), 42, DefectRates.NONE),
            dir.toString());
    Dataset<Row> rows = Landing.readings(spark, dir);
    assertThat(rows.count()).isEqualTo(10_080);
    assertThat(rows.select("compressor_id", "timestamp").distinct().count()).isEqualTo(10_080);
    assertThat(
            rows.where(
                    Schemas.SENSOR_COLUMNS.stream()
                        .map(c -> c + " IS NULL")
                        .collect(Collectors.joining(" OR ")))
                .count())
        .isZero();
    assertThat(rows.where("to_date(timestamp) <> to_date(folder)").count()).isZero();
    assertThat(r.readingFiles().values()).allMatch(f -> f.equals(List.of("part-00000.parquet")));
    for (int c = 0; c < SimulationCounts.LANDED; c++) {
      if (c != SimulationCounts.READINGS && c != SimulationCounts.LATE_ELIGIBLE) {
        assertThat(r.count(c)).as("counter %d", c).isZero();
      }
    }
  }

  @Test
  void lateRowsLandNextDayFutureRowsAfterThePeriodRetransmissionsWithTheirOriginal() {
    Timestamp end = Timestamp.from(spec.periodEnd());
    Dataset<Row> onTimeOrLate =
        landed
            .where(col("timestamp").lt(end))
            .where("to_date(folder) NOT IN (to_date(timestamp), date_add(to_date(timestamp), 1))");
    assertThat(onTimeOrLate.count()).as("rows neither on time nor one day late").isZero();
    assertThat(landed.where(col("timestamp").geq(end)).where("kind <> 'part'").count()).isZero();
    // "hours/days after the day it landed in"
    assertThat(
            landed
                .where(col("timestamp").geq(end))
                .where("timestamp < to_timestamp(date_add(to_date(folder), 1)) + INTERVAL 1 HOUR")
                .count())
        .isZero();
    long orphans =
        landed
            .where("kind = 'retransmit'")
            .as("r")
            .join(
                landed.where("kind = 'part'").as("p"),
                functions.expr(
                    "r.compressor_id = p.compressor_id AND r.timestamp = p.timestamp AND r.folder ="
                        + " p.folder"),
                "left_anti")
            .count();
    assertThat(orphans).as("retransmissions without a first delivery in the same folder").isZero();
  }

  @Test
  void failingCompressorsCrossWarningThenCriticalBeforeTheirLoggedFailure() {
    Map<String, Instant[]> failures = failureAndRepairFromMaintenanceLog();
    assertThat(failures).containsOnlyKeys("COMP-003", "COMP-007");
    assertThat(failures.get("COMP-003"))
        .containsExactly(
            Instant.parse("2024-02-05T14:00:00Z"), Instant.parse("2024-02-05T20:00:00Z"));
    assertThat(failures.get("COMP-007"))
        .containsExactly(
            Instant.parse("2024-02-06T22:00:00Z"), Instant.parse("2024-02-07T04:00:00Z"));
    for (var e : failures.entrySet()) {
      List<Row> series = signal(e.getKey());
      Instant failure = e.getValue()[0];
      Instant repair = e.getValue()[1];
      Instant vibWarning = firstAtOrAbove(series, "vibration_mms", 6.0);
      Instant vibCritical = firstAtOrAbove(series, "vibration_mms", 8.0);
      Instant tempWarning = firstAtOrAbove(series, "discharge_temp_f", 240.0);
      Instant tempCritical = firstAtOrAbove(series, "discharge_temp_f", 260.0);
      assertThat(vibWarning).as("%s vibration warning", e.getKey()).isBefore(vibCritical);
      assertThat(vibCritical).as("%s vibration critical", e.getKey()).isBefore(failure);
      assertThat(tempWarning).as("%s temperature warning", e.getKey()).isBefore(tempCritical);
      assertThat(tempCritical).as("%s temperature critical", e.getKey()).isBefore(failure);
      // Critical for a while, not one lucky reading: ≥ 6 readings above 8.0 mm/s before failure.
      assertThat(
              series.stream()
                  .filter(r -> ts(r).isBefore(failure) && value(r, "vibration_mms") > 8.0)
                  .count())
          .isGreaterThanOrEqualTo(6);
      // Healthy before degrading (first day) and again after the repair.
      assertThat(
              series.stream().filter(r -> ts(r).isBefore(spec.at(1440)) || !ts(r).isBefore(repair)))
          .isNotEmpty()
          .allMatch(r -> value(r, "vibration_mms") < 6.0 && value(r, "discharge_temp_f") < 240.0);
    }
  }

  @Test
  void healthyCompressorsStayBelowTheWarningLimits() {
    for (int i = 0; i < spec.compressors(); i++) {
      String id = SimulationSpec.compressorId(i);
      if (id.equals("COMP-003") || id.equals("COMP-007")) {
        continue;
      }
      List<Row> series = signal(id);
      assertThat(series).as("%s readings without nulls or spikes", id).hasSizeGreaterThan(950);
      assertThat(series)
          .as(id)
          .allMatch(r -> value(r, "vibration_mms") < 6.0, "vibration < 6.0")
          .allMatch(r -> value(r, "discharge_temp_f") < 240.0, "discharge temperature < 240")
          .allMatch(r -> value(r, "discharge_pressure_psi") < 1300.0, "discharge pressure < 1300")
          .allMatch(r -> value(r, "suction_pressure_psi") > 30.0, "suction pressure > 30");
    }
  }

  /** Every spike is an outlier for the silver stage's Hampel filter (window 7, 4 scaled MADs). */
  @Test
  void spikesStandOutForAHampelFilter() {
    List<Row> spikes =
        generated.stream()
            .filter(r -> isFirstDelivery(r) && label(r).startsWith(CompressorDay.SPIKE))
            .toList();
    assertThat(spikes).hasSize((int) report.count(SimulationCounts.SPIKES)).isNotEmpty();
    for (Row spike : spikes) {
      String column = label(spike).substring(CompressorDay.SPIKE.length());
      List<Row> series =
          generated.stream()
              .filter(
                  r ->
                      isFirstDelivery(r)
                          && r.getAs("compressor_id").equals(spike.getAs("compressor_id"))
                          && r.getAs(column) != null)
              .sorted(Comparator.comparing(DefaultFleetTest::ts))
              .toList();
      int at = series.indexOf(spike);
      assertThat(at).isNotNegative();
      double[] window = new double[7];
      int from = Math.max(0, Math.min(at - 3, series.size() - 7));
      for (int k = 0; k < 7; k++) {
        window[k] = value(series.get(from + k), column);
      }
      double median = median(window);
      double mad = median(Arrays.stream(window).map(x -> Math.abs(x - median)).toArray());
      assertThat(Math.abs(value(spike, column) - median))
          .as("spike on %s of %s at %s", column, spike.getAs("compressor_id"), ts(spike))
          .isGreaterThan(4 * 1.4826 * mad);
    }
  }

  // ---------------------------------------------------------------------------------------

  private static void assertRates(SimulationReport r) {
    DefectRates rates = r.spec().rates();
    long n = r.readings();
    within(r.count(SimulationCounts.NULLS), n, rates.nullRate(), "null readings");
    within(
        r.count(SimulationCounts.ALL_NULL),
        r.count(SimulationCounts.NULLS),
        rates.allNullShare(),
        "all-null share");
    within(r.count(SimulationCounts.SPIKES), n, rates.spikeRate(), "spikes");
    within(r.count(SimulationCounts.DUPLICATES), n, rates.duplicateRate(), "duplicates");
    within(
        r.count(SimulationCounts.CHANGED_DUPLICATES),
        r.count(SimulationCounts.DUPLICATES),
        CompressorDay.CHANGED_SHARE,
        "changed retransmissions");
    assertThat(r.count(SimulationCounts.LATE_ELIGIBLE)).isEqualTo(n / 7 * 6);
    within(
        r.count(SimulationCounts.LATE),
        r.count(SimulationCounts.LATE_ELIGIBLE),
        rates.lateRate(),
        "late");
    assertThat(r.count(SimulationCounts.FUTURE)).isEqualTo(rates.futureReadings());
  }

  private static void within(long observed, long trials, double rate, String what) {
    double expected = trials * rate;
    double tolerance = 4 * Math.sqrt(trials * rate * (1 - rate)) + 1;
    assertThat((double) observed)
        .as("%s: %d of %d at rate %s", what, observed, trials, rate)
        .isBetween(expected - tolerance, expected + tolerance);
  }

  private static Column[] nineColumnsAnd(Column... extra) {
    List<Column> cols = new ArrayList<>();
    Arrays.stream(Schemas.RAW_SENSOR_READINGS.fieldNames()).map(functions::col).forEach(cols::add);
    cols.addAll(List.of(extra));
    return cols.toArray(Column[]::new);
  }

  /** The first deliveries (on time or late): one row per reading of the period. */
  private static boolean isFirstDelivery(Row r) {
    return delivery(r).equals(CompressorDay.ON_TIME) || delivery(r).equals(CompressorDay.LATE);
  }

  private static String label(Row r) {
    return r.getAs(FleetReadings.VALUE_DEFECT);
  }

  private static String delivery(Row r) {
    return r.getAs(FleetReadings.DELIVERY);
  }

  private static long count(java.util.function.Predicate<Row> p) {
    return generated.stream().filter(p).count();
  }

  /** A compressor's readings without the injected defects (nulls, spikes), in time order. */
  private static List<Row> signal(String id) {
    return generated.stream()
        .filter(
            r ->
                isFirstDelivery(r)
                    && r.getAs("compressor_id").equals(id)
                    && label(r).equals(CompressorDay.NO_DEFECT))
        .sorted(Comparator.comparing(DefaultFleetTest::ts))
        .toList();
  }

  private static Instant firstAtOrAbove(List<Row> series, String column, double limit) {
    return series.stream()
        .filter(r -> value(r, column) >= limit)
        .map(DefaultFleetTest::ts)
        .findFirst()
        .orElseThrow(() -> new AssertionError(column + " never reaches " + limit));
  }

  private static Instant ts(Row r) {
    return ((Timestamp) r.getAs("timestamp")).toInstant();
  }

  private static double value(Row r, String column) {
    return r.<Double>getAs(column);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** compressor id → [failure time, repair time], read by column name from the CSV. */
  private static Map<String, Instant[]> failureAndRepairFromMaintenanceLog() {
    List<Row> rows =
        spark
            .read()
            .option("header", "true")
            .option("enforceSchema", "false")
            .option("mode", "FAILFAST")
            .schema(Schemas.MAINTENANCE_LOGS)
            .csv(raw.resolve(LandingWriter.MAINTENANCE_LOGS).toString())
            .orderBy("performed_at")
            .collectAsList();
    Map<String, Instant[]> out = new TreeMap<>();
    for (Row r : rows) {
      String id = r.getAs("compressor_id");
      Instant at = ((Timestamp) r.getAs("performed_at")).toInstant();
      if (r.getAs("maintenance_type").equals("failure")) {
        out.put(id, new Instant[] {at, null});
      } else if (r.getAs("maintenance_type").equals("unscheduled") && out.containsKey(id)) {
        out.get(id)[1] = at;
      }
    }
    return out;
  }
}
