package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The stage skeleton end to end on a real lake: exit codes, the ledger row of every outcome,
 * input-version pinning, and options/config errors before any Spark work.
 */
class StageJobTest extends SparkTestBase {
  @TempDir Path lake;

  @Command(
      name = "altaviz-tiny",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class)
  static class TinyStage extends StageJob {
    @Option(names = "--outcome", defaultValue = "ok")
    String outcome;

    @Override
    protected String stage() {
      return "tiny";
    }

    @Override
    protected String title() {
      return "TINY STAGE";
    }

    @Override
    protected StageResult execute(StageContext ctx) {
      String out = ctx.lake.table("tiny/out");
      switch (outcome) {
        case "gate" -> {
          ctx.reportPartial(new StageResult(null, null, out, null, 10, 0, 4));
          throw EtlException.qualityGate("rejected share 0.40 > limit 0.10");
        }
        case "bug" -> throw new IllegalStateException("boom");
        case "read" -> {
          long v = ctx.inputVersion(out, "tiny", StageContext.UpstreamWrite.APPEND);
          long n = DeltaIo.read(ctx.spark, out, OptionalLong.of(v)).count();
          return new StageResult(out, v, null, null, n, 0, 0);
        }
        case "raced", "own" -> {
          // a commit lands between the baseline and the write: another run's, or our own
          // plus a compaction (which changes no rows)
          long baseline = ctx.outputBaseline(out);
          DeltaIo.append(
              ctx.spark.range(1).toDF(), out, outcome.equals("raced") ? "intruder" : ctx.runId);
          DeltaTable.forPath(ctx.spark, out).optimize().executeCompaction();
          ctx.requireNoCommitSince(out, baseline);
          return new StageResult(
              null, null, out, DeltaIo.append(ctx.spark.range(3).toDF(), out, ctx.runId), 3, 3, 0);
        }
        default -> {
          long v = DeltaIo.append(ctx.spark.range(3).toDF(), out, ctx.runId);
          return new StageResult(null, null, out, v, 3, 3, 0);
        }
      }
    }
  }

  private CliRun run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--lake";
    all[1] = lake.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return CliRun.of(new TinyStage(), all);
  }

  private List<Row> ledger() {
    return new RunLedger(spark, new LakePaths(lake.toString()))
        .entries()
        .orderBy("started_at")
        .collectAsList();
  }

  @Test
  void successRecordsTheOutputVersionInTheLedger() {
    assertThat(run("--run-id", "r1", "--date", "2024-02-03").exitCode()).isZero();
    assertThat(run("--run-id", "r2").exitCode()).isZero();
    List<Row> rows = ledger();
    assertThat(rows).hasSize(2);
    assertThat(
            List.of(
                rows.get(0).getAs("run_id"),
                rows.get(0).getAs("stage"),
                rows.get(0).getAs("status"),
                rows.get(0).getAs("output_version"),
                rows.get(0).getAs("rows_out")))
        .containsExactly("r1", "tiny", "success", 0L, 3L);
    assertThat(rows.get(0).<java.sql.Timestamp>getAs("interval_start").toInstant())
        .hasToString("2024-02-03T00:00:00Z");
    assertThat(rows.get(1).<Object>getAs("interval_start")).isNull();
    assertThat(rows.get(1).<Long>getAs("output_version")).isEqualTo(1L);
  }

  @Test
  void inputVersionIsPinnedByOptionThenByRunIdThenLatest() {
    run("--run-id", "r1");
    run("--run-id", "r2");
    run("--run-id", "r3");
    assertThat(run("--run-id", "r2", "--outcome", "read").exitCode()).isZero();
    assertThat(run("--run-id", "other", "--outcome", "read", "--input-version", "0").exitCode())
        .isZero();
    assertThat(run("--run-id", "r9", "--outcome", "read").exitCode()).isZero();
    List<Row> reads = ledger().stream().filter(r -> r.getAs("input_version") != null).toList();
    assertThat(
            reads.stream()
                .map(
                    r ->
                        r.getAs("run_id")
                            + "@"
                            + r.getAs("input_version")
                            + ":"
                            + r.getAs("rows_in")))
        .containsExactly("r2@1:6", "other@0:3", "r9@2:9");
    CliRun tooNew = run("--outcome", "read", "--input-version", "7");
    assertThat(tooNew.exitCode()).isEqualTo(2);
    assertThat(tooNew.err())
        .isEqualTo(
            "altaviz-tiny: error: --input-version 7 does not exist for "
                + lake
                + "/tiny/out (latest is 2)\n");
  }

  @Test
  void inputVersionIsNeverOlderThanWhatARunOfTheStageReadForAnOverlappingRange() {
    run("--run-id", "d1");
    run("--run-id", "d2");
    run("--run-id", "d3");
    // day 2 already read v2; its written range [02-01, 02-03) overlaps day 1's [01-31, 02-02)
    run("--run-id", "d2", "--date", "2024-02-02", "--outcome", "read", "--input-version", "2");
    assertThat(run("--run-id", "d1", "--date", "2024-02-01", "--outcome", "read").exitCode())
        .isZero();
    // 02-10's range [02-09, 02-11) overlaps nothing that was read: the run's own pin holds
    assertThat(run("--run-id", "d1", "--date", "2024-02-10", "--outcome", "read").exitCode())
        .isZero();
    List<String> reads =
        ledger().stream()
            .filter(r -> r.getAs("input_version") != null)
            .map(r -> r.getAs("run_id") + "@" + r.getAs("input_version") + ":" + r.getAs("rows_in"))
            .toList();
    assertThat(reads).containsExactly("d2@2:9", "d1@2:9", "d1@0:3");
  }

  @Test
  void aDataCommitByAnotherRunSinceTheBaselineFailsTheRunBeforeItWrites() {
    CliRun raced = run("--run-id", "r1", "--outcome", "raced");
    assertThat(raced.exitCode()).isEqualTo(1);
    assertThat(raced.err())
        .isEqualTo(
            "altaviz-tiny: error: "
                + lake
                + "/tiny/out changed while this run was "
                + "computing (version 0 by run intruder); nothing written, retry to recompute\n");
    assertThat(DeltaIo.read(spark, lake + "/tiny/out", OptionalLong.empty()).count()).isEqualTo(1);
    // its own commits and a compaction are no conflict
    assertThat(run("--run-id", "r2", "--outcome", "own").exitCode()).isZero();
    assertThat(DeltaIo.read(spark, lake + "/tiny/out", OptionalLong.empty()).count()).isEqualTo(5);
  }

  @Test
  void qualityGateExits3AndRecordsThePartialCounts() {
    CliRun r = run("--run-id", "g1", "--outcome", "gate");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("altaviz-tiny: error: rejected share 0.40 > limit 0.10\n");
    Row row = ledger().get(0);
    assertThat(
            List.of(
                row.getAs("status"),
                row.getAs("message"),
                row.getAs("rows_in"),
                row.getAs("rows_quarantined")))
        .containsExactly("quality_failed", "rejected share 0.40 > limit 0.10", 10L, 4L);
  }

  @Test
  void unexpectedFailureExits1AndIsRecordedAsFailed() {
    CliRun r = run("--run-id", "b1", "--outcome", "bug");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).endsWith("altaviz-tiny: error: java.lang.IllegalStateException: boom\n");
    Row row = ledger().get(0);
    assertThat(List.of(row.getAs("status"), row.getAs("message")))
        .containsExactly("failed", "java.lang.IllegalStateException: boom");
  }

  @Test
  void configAndIntervalErrorsExit2WithOneLineAndTouchNothing() {
    assertThat(run("--config", "no/such.yaml"))
        .isEqualTo(new CliRun(2, "", "altaviz-tiny: error: config file not found: no/such.yaml\n"));
    assertThat(run("--start", "2024-02-03T00:00:00Z", "--end", "2024-02-02T00:00:00Z"))
        .isEqualTo(
            new CliRun(
                2,
                "",
                "altaviz-tiny: error: --start 2024-02-03T00:00:00Z must be "
                    + "before --end 2024-02-02T00:00:00Z\n"));
    assertThat(run("--date", "2024-02-03", "--start", "2024-02-03T00:00:00Z"))
        .isEqualTo(
            new CliRun(
                2,
                "",
                "altaviz-tiny: error: give either --date or --start/--end, " + "not both\n"));
    assertThat(lake).isEmptyDirectory();
  }
}
