package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ops/pipeline_runs round trip: rows as recorded, and the upstream-version lookup. */
class RunLedgerTest extends SparkTestBase {
  @TempDir Path dir;

  private static final Instant T0 = Instant.parse("2024-02-04T01:00:00Z");

  private static LedgerEntry entry(String run, String stage, String status, Long out, int minute) {
    return new LedgerEntry(
        run,
        stage,
        Instant.parse("2024-02-03T00:00:00Z"),
        Instant.parse("2024-02-04T00:00:00Z"),
        "lake/in",
        3L,
        "lake/out",
        out,
        100,
        90,
        10,
        status,
        status.equals(LedgerEntry.SUCCESS) ? null : "it failed",
        T0.plusSeconds(60L * minute),
        T0.plusSeconds(60L * minute + 42),
        "local-123");
  }

  @Test
  void recordedRowsReadBackExactly() {
    LakePaths lake = new LakePaths(dir.toString() + "/");
    RunLedger ledger = new RunLedger(spark, lake);
    ledger.record(entry("run-1", "bronze", LedgerEntry.SUCCESS, 5L, 0));
    ledger.record(
        new LedgerEntry(
            "run-1",
            "export",
            null,
            null,
            "lake/gold",
            7L,
            null,
            null,
            0,
            0,
            0,
            LedgerEntry.FAILED,
            "connection refused",
            T0,
            T0.plusMillis(1500),
            null));

    assertThat(lake.pipelineRuns()).isEqualTo(dir + "/ops/pipeline_runs");
    List<Row> rows = ledger.entries().orderBy("stage").collectAsList();
    assertThat(rows).hasSize(2);
    Row bronze = rows.get(0);
    assertThat(ledger.entries().columns()).containsExactly(RunLedger.SCHEMA.fieldNames());
    assertThat(
            List.of(
                bronze.getAs("run_id"),
                bronze.getAs("stage"),
                bronze.getAs("input_table"),
                bronze.getAs("input_version"),
                bronze.getAs("output_table"),
                bronze.getAs("output_version"),
                bronze.getAs("rows_in"),
                bronze.getAs("rows_out"),
                bronze.getAs("rows_quarantined"),
                bronze.getAs("status"),
                bronze.getAs("duration_ms"),
                bronze.getAs("spark_app_id")))
        .containsExactly(
            "run-1",
            "bronze",
            "lake/in",
            3L,
            "lake/out",
            5L,
            100L,
            90L,
            10L,
            "success",
            42_000L,
            "local-123");
    assertThat(bronze.<Timestamp>getAs("interval_start").toInstant())
        .isEqualTo(Instant.parse("2024-02-03T00:00:00Z"));
    assertThat(bronze.<Object>getAs("message")).isNull();
    Row export = rows.get(1);
    assertThat(export.<Object>getAs("interval_start")).isNull();
    assertThat(export.<Object>getAs("output_version")).isNull();
    assertThat(export.<String>getAs("message")).isEqualTo("connection refused");
    assertThat(export.<Long>getAs("duration_ms")).isEqualTo(1500L);
    // Each ledger commit is tagged with the run it records.
    assertThat(
            DeltaTable.forPath(spark, lake.pipelineRuns())
                .history()
                .select("userMetadata")
                .collectAsList()
                .stream()
                .map(r -> r.getString(0)))
        .containsOnly("run-1");
  }

  @Test
  void outputVersionIsTheLatestSuccessfulCommitOfThatRunAndStage() {
    RunLedger ledger = new RunLedger(spark, new LakePaths(dir.toString()));
    assertThat(ledger.outputVersion("run-1", "bronze")).isEmpty();
    ledger.record(entry("run-1", "bronze", LedgerEntry.SUCCESS, 5L, 0));
    ledger.record(entry("run-1", "bronze", LedgerEntry.SUCCESS, 7L, 10)); // an Airflow retry
    ledger.record(entry("run-1", "bronze", LedgerEntry.FAILED, 9L, 20));
    ledger.record(entry("run-1", "silver", LedgerEntry.QUALITY_FAILED, 4L, 30));
    ledger.record(entry("run-2", "bronze", LedgerEntry.SUCCESS, 8L, 40));
    assertThat(ledger.outputVersion("run-1", "bronze")).hasValue(7);
    assertThat(ledger.outputVersion("run-2", "bronze")).hasValue(8);
    assertThat(ledger.outputVersion("run-1", "silver")).isEmpty();
    assertThat(ledger.outputVersion("run-3", "bronze")).isEmpty();
  }
}
