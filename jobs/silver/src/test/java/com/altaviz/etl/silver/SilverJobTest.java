package com.altaviz.etl.silver;

import static com.altaviz.etl.silver.Fixtures.reading;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The silver job end to end on a @TempDir lake, called through JobLauncher like spark-submit. */
class SilverJobTest extends SparkTestBase {
  @TempDir Path dir;
  String lake;
  String stderr;

  @BeforeEach
  void lake() {
    lake = dir.resolve("lake").toString();
    DeltaIo.overwrite(
        Fixtures.fleet(spark, "COMP-001", "COMP-002"),
        lake + "/bronze/compressor_metadata",
        "bronze-run");
  }

  /** Feb 1 and Feb 2 of two compressors, every 30 minutes, plus defects on Feb 2. */
  static List<Fixtures.Reading> twoDays() {
    List<Fixtures.Reading> r = new ArrayList<>();
    for (String id : List.of("COMP-001", "COMP-002")) {
      for (int h = 0; h < 48; h++) {
        for (int m : new int[] {0, 30}) {
          String at = String.format("2024-02-%02dT%02d:%02d:00Z", 1 + h / 24, h % 24, m);
          r.add(reading(id, at).vibration(3.0 + (h % 3) * 0.01));
        }
      }
    }
    r.add(reading("COMP-999", "2024-02-02T08:00:00Z")); // unknown
    r.add(reading("COMP-001", "2024-02-03T00:06:00Z").landed("2024-02-02")); // future
    r.add(reading("COMP-001", "2024-02-03T00:05:00Z").landed("2024-02-02")); // within skew
    r.add(
        reading("COMP-002", "2024-02-02T09:00:00Z")
            .vibration(3.01) // re-delivery
            .ingested("2024-02-03T02:00:00Z"));
    r.add(reading("COMP-002", "2024-02-02T10:15:00Z").vibration(Double.NaN));
    return r;
  }

  long appendBronze(List<Fixtures.Reading> readings) {
    Dataset<Row> df = Fixtures.bronze(spark, readings.toArray(Fixtures.Reading[]::new));
    return DeltaIo.append(df, lake + "/bronze/sensor_readings", "bronze-run", "_landing_date");
  }

  int silver(String... args) {
    List<String> all = new ArrayList<>(List.of("--lake", lake));
    all.addAll(Arrays.asList(args));
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      return JobLauncher.run(new SilverJob(), all.toArray(String[]::new));
    } finally {
      System.setErr(old);
      stderr = buf.toString(StandardCharsets.UTF_8);
    }
  }

  Dataset<Row> table(String rel) {
    return DeltaIo.read(spark, lake + "/" + rel, OptionalLong.empty());
  }

  List<String> sorted(Dataset<Row> df, String... drop) {
    return df.drop(drop).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  Row ledger(String runId) {
    return table("ops/pipeline_runs")
        .where(col("run_id").equalTo(runId))
        .orderBy(col("finished_at").desc())
        .first();
  }

  @Test
  void aDayIsCleanedReconciledAndARerunLeavesIdenticalTables() {
    long bronzeVersion = appendBronze(twoDays());

    assertThat(silver("--date", "2024-02-02", "--run-id", "day2")).as(stderr).isZero();

    // processed range [Feb 1, Feb 3): 192 readings + unknown + re-delivery + NaN row + future
    Row run = ledger("day2");
    assertThat(run.<String>getAs("status")).isEqualTo("success");
    assertThat(run.<String>getAs("input_table")).isEqualTo(lake + "/bronze/sensor_readings");
    assertThat(run.<Long>getAs("input_version")).isEqualTo(bronzeVersion);
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(196);
    assertThat(run.<Long>getAs("rows_out")).isEqualTo(193);
    assertThat(run.<Long>getAs("rows_quarantined")).isEqualTo(2);
    Dataset<Row> silver = table("silver/sensor_readings");
    assertThat(silver.count()).isEqualTo(193);
    assertThat(
            silver
                .where(
                    col("compressor_id")
                        .equalTo("COMP-002")
                        .and(col("timestamp").equalTo(Fixtures.ts("2024-02-02T09:00:00Z"))))
                .first()
                .<Double>getAs("vibration_mms"))
        .isEqualTo(3.01);
    assertThat(silver.where(col("timestamp").geq(Fixtures.ts("2024-02-03T00:00:00Z"))).count())
        .isZero();
    assertThat(
            sorted(
                table("silver/quarantine")
                    .select(
                        "rule",
                        "compressor_id",
                        "timestamp",
                        "column_name",
                        "original_value",
                        "run_id")))
        .containsExactly(
            "[future_timestamp,COMP-001,2024-02-03 00:06:00.0,null,null,day2]",
            "[physical_range,COMP-002,2024-02-02 10:15:00.0,vibration_mms,NaN,day2]",
            "[unknown_compressor,COMP-999,2024-02-02 08:00:00.0,null,null,day2]");
    List<Row> metrics =
        table("ops/quality_metrics").where(col("run_id").equalTo("day2")).collectAsList();
    assertThat(metrics)
        .filteredOn(m -> m.getAs("metric").equals("dropped_duplicates"))
        .extracting(m -> m.<Double>getAs("value"))
        .containsExactly(1.0);
    assertThat(metrics)
        .filteredOn(m -> m.getAs("metric").equals("unaccounted_rows"))
        .extracting(m -> m.<Double>getAs("value"))
        .containsExactly(0.0);
    // Feb 2 at a 30-minute cadence (+ the 10:15 reading): 97 of 2 x 144 expected readings
    assertThat(metrics)
        .filteredOn(
            m -> m.getAs("metric").equals("completeness") && m.getAs("column_name").equals("*"))
        .extracting(m -> m.<Double>getAs("value") + "/" + m.getAs("status"))
        .containsExactly(97 / 288.0 + "/warn");

    List<String> silverBefore = sorted(table("silver/sensor_readings"), "_ingested_at");
    List<String> quarantineBefore =
        sorted(table("silver/quarantine"), "_ingested_at", "quarantined_at");
    long metricRows = metrics.size();

    assertThat(silver("--date", "2024-02-02", "--run-id", "day2")).as(stderr).isZero();

    assertThat(sorted(table("silver/sensor_readings"), "_ingested_at")).isEqualTo(silverBefore);
    assertThat(sorted(table("silver/quarantine"), "_ingested_at", "quarantined_at"))
        .isEqualTo(quarantineBefore);
    assertThat(table("ops/quality_metrics").where(col("run_id").equalTo("day2")).count())
        .isEqualTo(metricRows);
  }

  @Test
  void ancientAndFarFutureTimestampsAreQuarantinedWithTheirReason() {
    List<Fixtures.Reading> readings = new ArrayList<>(twoDays());
    readings.add(reading("COMP-001", "0001-01-01T00:00:00Z").landed("2024-02-02"));
    readings.add(reading("COMP-002", "1582-10-10T00:00:00Z").landed("2024-02-02"));
    readings.add(reading("COMP-002", "1969-12-31T23:59:59.999999Z").landed("2024-02-01"));
    readings.add(reading("COMP-001", "1970-01-01T00:00:00Z").landed("2024-02-02")); // too late
    readings.add(reading("COMP-001", "9999-12-31T23:59:59Z").landed("2024-02-02"));
    appendBronze(readings);

    assertThat(silver("--date", "2024-02-02", "--run-id", "clock")).as(stderr).isZero();

    assertThat(
            table("silver/quarantine")
                .where(col("rule").equalTo("future_timestamp"))
                .selectExpr("concat_ws(' | ', compressor_id, CAST(timestamp AS STRING), reason)")
                .collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactlyInAnyOrder(
            "COMP-001 | 0001-01-01 00:00:00 | timestamp 0001-01-01T00:00:00Z is before "
                + "1970-01-01",
            "COMP-002 | 1582-10-10 00:00:00 | timestamp 1582-10-10T00:00:00Z is before "
                + "1970-01-01",
            "COMP-002 | 1969-12-31 23:59:59.999999 | timestamp 1969-12-31T23:59:59.999999Z is "
                + "before 1970-01-01",
            "COMP-001 | 2024-02-03 00:06:00 | timestamp 2024-02-03T00:06:00Z is later than the "
                + "interval end 2024-02-03T00:00:00Z + 5 min clock-skew tolerance",
            "COMP-001 | 9999-12-31 23:59:59 | timestamp 9999-12-31T23:59:59Z is later than the "
                + "interval end 2024-02-03T00:00:00Z + 5 min clock-skew tolerance");
    assertThat(
            table("silver/sensor_readings")
                .where(
                    col("timestamp")
                        .lt(Fixtures.ts("2024-01-01T00:00:00Z"))
                        .or(col("timestamp").gt(Fixtures.ts("2024-02-04T00:00:00Z"))))
                .count())
        .isZero();
    Row run = ledger("clock");
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(200);
    assertThat(run.<Long>getAs("rows_quarantined")).isEqualTo(6);
    // a re-run replaces exactly what it wrote: nothing doubles, nothing is lost
    assertThat(silver("--date", "2024-02-02", "--run-id", "clock")).as(stderr).isZero();
    assertThat(table("silver/quarantine").count()).isEqualTo(7);
  }

  @Test
  void aDayWithoutReadingsSucceedsAndLeavesSilverUnchanged() {
    appendBronze(twoDays());
    assertThat(silver("--date", "2024-02-02", "--run-id", "day2")).as(stderr).isZero();
    long silverVersion = DeltaIo.latestVersion(spark, lake + "/silver/sensor_readings").getAsLong();
    List<String> before = sorted(table("silver/sensor_readings"));

    // Feb 5: nothing in bronze for [Feb 4, Feb 6), so nothing in silver to replace either
    assertThat(silver("--date", "2024-02-05", "--run-id", "day5")).as(stderr).isZero();

    Row run = ledger("day5");
    assertThat(run.<String>getAs("status")).isEqualTo("success");
    assertThat(run.<Long>getAs("rows_in")).isZero();
    assertThat(run.<Long>getAs("rows_out")).isZero();
    assertThat(run.<Long>getAs("output_version")).isEqualTo(silverVersion);
    assertThat(DeltaIo.latestVersion(spark, lake + "/silver/sensor_readings").getAsLong())
        .isEqualTo(silverVersion);
    assertThat(sorted(table("silver/sensor_readings"))).isEqualTo(before);
    // the empty day is a quality finding in the metrics, not a crash
    assertThat(
            table("ops/quality_metrics")
                .where(
                    col("run_id")
                        .equalTo("day5")
                        .and(col("metric").equalTo("completeness"))
                        .and(col("column_name").equalTo("*")))
                .collectAsList())
        .extracting(m -> m.<Double>getAs("value") + "/" + m.getAs("status"))
        .containsExactly("0.0/warn");
  }

  @Test
  void aPinnedInputVersionReproducesItsOutputAfterBronzeGrew() {
    long v1 = appendBronze(twoDays());
    assertThat(silver("--date", "2024-02-02", "--run-id", "pinned")).as(stderr).isZero();
    long silverV1 = ledger("pinned").<Long>getAs("output_version");
    List<String> fromV1 = sorted(table("silver/sensor_readings"), "_ingested_at");

    long v2 =
        appendBronze(
            List.of(
                reading("COMP-001", "2024-02-02T10:10:00Z").vibration(4.0),
                reading("COMP-001", "2024-02-02T10:00:00Z")
                    .vibration(9.9)
                    .ingested("2024-02-04T00:00:00Z")));
    assertThat(v2).isEqualTo(v1 + 1);

    assertThat(silver("--date", "2024-02-02", "--run-id", "latest")).as(stderr).isZero();
    assertThat(ledger("latest").<Long>getAs("input_version")).isEqualTo(v2);
    assertThat(table("silver/sensor_readings").count()).isEqualTo(194);

    assertThat(
            silver(
                "--date",
                "2024-02-02",
                "--run-id",
                "pinned",
                "--input-version",
                String.valueOf(v1)))
        .as(stderr)
        .isZero();
    assertThat(sorted(table("silver/sensor_readings"), "_ingested_at")).isEqualTo(fromV1);
    Row replay = ledger("pinned");
    assertThat(replay.<Long>getAs("input_version")).isEqualTo(v1);
    assertThat(replay.<Long>getAs("output_version")).isEqualTo(silverV1 + 2);
    assertThat(replay.<String>getAs("output_table")).isEqualTo(lake + "/silver/sensor_readings");
  }

  @Test
  void aLateReadingLandedTheNextDayIsInSilverAfterThatDaysRun() {
    List<Fixtures.Reading> day1 = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      day1.add(
          reading(
              "COMP-001",
              String.format("2024-02-01T23:%02d:00Z", i * 5 % 60)
                  .replace("23:", i < 12 ? "22:" : "23:")));
    }
    appendBronze(day1);
    assertThat(silver("--date", "2024-02-01", "--run-id", "d1")).as(stderr).isZero();
    var late = Fixtures.ts("2024-02-01T23:50:00Z");
    assertThat(table("silver/sensor_readings").where(col("timestamp").equalTo(late)).count())
        .isZero();

    appendBronze(
        List.of(
            reading("COMP-001", "2024-02-01T23:50:00Z").landed("2024-02-02"),
            reading("COMP-001", "2024-02-02T00:00:00Z")));
    assertThat(silver("--date", "2024-02-02", "--run-id", "d2")).as(stderr).isZero();

    Row got = table("silver/sensor_readings").where(col("timestamp").equalTo(late)).first();
    assertThat(got.<String>getAs("_run_id")).isEqualTo("d2");
    assertThat(table("silver/sensor_readings").count()).isEqualTo(14);
  }

  @Test
  void onlyReadingsNoRunPutIntoSilverAreCountedAsBeyondTheLookback() {
    appendBronze(List.of(reading("COMP-001", "2024-02-01T00:00:00Z")));
    assertThat(silver("--date", "2024-02-01", "--run-id", "d1")).as(stderr).isZero();
    // Feb 2's folder: a reading of Feb 1 (within the 24 h lookback: Feb 2's run puts it into
    // silver) and one of Jan 31 (beyond it)
    appendBronze(
        List.of(
            reading("COMP-001", "2024-02-02T00:00:00Z"),
            reading("COMP-001", "2024-02-01T12:00:00Z").landed("2024-02-02"),
            reading("COMP-001", "2024-01-31T12:00:00Z").landed("2024-02-02")));
    assertThat(silver("--date", "2024-02-02", "--run-id", "d2")).as(stderr).isZero();
    // Feb 3's folder: another reading of Feb 1, now beyond the lookback. Feb 3's run reads Feb 2's
    // folder again, but what it holds was Feb 2's run's to process or report.
    appendBronze(
        List.of(
            reading("COMP-001", "2024-02-03T00:00:00Z"),
            reading("COMP-001", "2024-02-01T06:00:00Z").landed("2024-02-03")));
    assertThat(silver("--date", "2024-02-03", "--run-id", "d3")).as(stderr).isZero();

    assertThat(
            table("ops/quality_metrics")
                .where(col("metric").equalTo("late_beyond_lookback"))
                .orderBy("run_id")
                .select("run_id", "column_name", "value", "limit_value", "status")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[d1,*,0.0,0.0,pass]", "[d2,*,1.0,0.0,warn]", "[d3,*,1.0,0.0,warn]");
    assertThat(sorted(table("silver/sensor_readings").select("timestamp", "_run_id")))
        .containsExactly(
            "[2024-02-01 00:00:00.0,d2]",
            "[2024-02-01 12:00:00.0,d2]",
            "[2024-02-02 00:00:00.0,d3]",
            "[2024-02-03 00:00:00.0,d3]");
  }

  @Test
  void aGateCheckWithActionFailExitsThreeAndItsRowCarriesTheCheckColumns() throws Exception {
    appendBronze(twoDays());
    Path config = dir.resolve("strict-completeness.yaml");
    String yaml = Files.readString(Path.of("config/etl_config.yaml"));
    String warn =
        "completeness: {kind: completeness, table: silver/sensor_readings, min: 0.95,\n"
            + "                 action: warn}";
    assertThat(yaml).contains(warn);
    Files.writeString(config, yaml.replace(warn, warn.replace("action: warn", "action: fail")));

    assertThat(silver("--date", "2024-02-02", "--run-id", "gate", "--config", config.toString()))
        .isEqualTo(3);

    assertThat(stderr)
        .contains(
            "altaviz-silver: error: silver quality gate failed: completeness = 0.3368 (limit"
                + " 0.9500) — silver left unchanged at version -1");
    assertThat(
            table("ops/quality_metrics")
                .where(
                    col("run_id")
                        .equalTo("gate")
                        .and(col("metric").equalTo("completeness"))
                        .and(col("column_name").equalTo("*")))
                .select(
                    "value",
                    "limit_value",
                    "status",
                    "check_name",
                    "kind",
                    "table_name",
                    "scope",
                    "lower_bound",
                    "upper_bound",
                    "action")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly(
            "["
                + 97 / 288.0
                + ",0.95,fail,completeness,completeness,silver/sensor_readings,*,"
                + "0.95,null,fail]");
  }

  @Test
  void aFailRuleThatTripsExitsThreeWithMetricsAndQuarantineAndSilverUnchanged() throws Exception {
    appendBronze(twoDays());
    assertThat(silver("--date", "2024-02-02", "--run-id", "ok")).as(stderr).isZero();
    long silverVersion = DeltaIo.latestVersion(spark, lake + "/silver/sensor_readings").getAsLong();
    Path config = dir.resolve("strict.yaml");
    Files.writeString(
        config,
        Files.readString(Path.of("config/etl_config.yaml"))
            .replace("unknown_compressor: quarantine", "unknown_compressor: fail"));

    assertThat(silver("--date", "2024-02-02", "--run-id", "strict", "--config", config.toString()))
        .isEqualTo(3);

    assertThat(stderr)
        .contains(
            "altaviz-silver: error: silver quality gate failed: "
                + "rule_unknown_compressor = 1.000 — silver left unchanged at version "
                + silverVersion);
    assertThat(DeltaIo.latestVersion(spark, lake + "/silver/sensor_readings").getAsLong())
        .isEqualTo(silverVersion);
    assertThat(
            table("silver/quarantine")
                .where(col("run_id").equalTo("strict"))
                .select("rule", "compressor_id", "reason")
                .collectAsList())
        .extracting(Row::toString)
        .contains(
            "[unknown_compressor,COMP-999,compressor_id COMP-999 is not in "
                + "bronze/compressor_metadata]");
    assertThat(
            table("ops/quality_metrics")
                .where(
                    col("run_id")
                        .equalTo("strict")
                        .and(col("metric").equalTo("rule_unknown_compressor"))
                        .and(col("column_name").equalTo("*")))
                .first()
                .<String>getAs("status"))
        .isEqualTo("fail");
    Row run = ledger("strict");
    assertThat(run.<String>getAs("status")).isEqualTo("quality_failed");
    assertThat(run.<Long>getAs("rows_in")).isEqualTo(196);
    assertThat(run.<Long>getAs("rows_quarantined")).isEqualTo(2); // unknown (fail) + future
    assertThat(run.<Long>getAs("output_version")).isNull();
  }

  @Test
  void aBronzeTableWithoutARequiredColumnFailsTheSchemaRule() {
    Dataset<Row> df =
        Fixtures.bronze(spark, reading("COMP-001", "2024-02-02T00:00:00Z")).drop("gas_flow_mcf");
    DeltaIo.append(df, lake + "/bronze/sensor_readings", "bronze-run", "_landing_date");

    assertThat(silver("--date", "2024-02-02", "--run-id", "broken")).isEqualTo(3);

    assertThat(stderr)
        .contains("silver rule 'schema' failed: ")
        .contains("missing column gas_flow_mcf");
    assertThat(DeltaIo.exists(spark, lake + "/silver/sensor_readings")).isFalse();
    assertThat(ledger("broken").<String>getAs("status")).isEqualTo("quality_failed");
  }

  @Test
  void anUnsupportedActionIsAUsageErrorNamingTheKey() throws Exception {
    appendBronze(List.of(reading("COMP-001", "2024-02-02T00:00:00Z")));
    Path config = dir.resolve("bad.yaml");
    Files.writeString(
        config,
        Files.readString(Path.of("config/etl_config.yaml"))
            .replace("duplicates: drop", "duplicates: warn"));

    assertThat(silver("--date", "2024-02-02", "--config", config.toString())).isEqualTo(2);

    assertThat(stderr)
        .contains(
            "config key 'silver.rules.duplicates' is warn; rule "
                + "'duplicates' supports [drop, quarantine, fail]");
  }
}
