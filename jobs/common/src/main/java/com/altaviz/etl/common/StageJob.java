package com.altaviz.etl.common;

import com.altaviz.etl.common.config.ConfigLoader;
import com.altaviz.etl.common.config.EtlConfig;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/**
 * Skeleton of every pipeline stage: load config, validate the interval, open the session, run the
 * stage, record the ledger row, print one summary line. Stages implement {@link #execute}.
 */
public abstract class StageJob implements Callable<Integer> {
  @Mixin public StageOptions options = new StageOptions();

  /** Stage name as written to the ledger: bronze, silver, gold, export. */
  protected abstract String stage();

  /** Banner title, e.g. "SILVER LAYER: data quality and cleaning". */
  protected abstract String title();

  /** The stage's work; throws {@link EtlException} for expected failures. */
  protected abstract StageResult execute(StageContext ctx) throws Exception;

  @Override
  public Integer call() throws Exception {
    Optional<Failpoint.Setting> failpoint = Failpoint.configured(); // a bad value: exit 2 now
    EtlConfig config = ConfigLoader.load(options.config);
    Interval interval = options.interval();
    StageLog log = new StageLog(stage());
    log.banner(title());
    failpoint.ifPresent(f -> warnFailpoint(log, f));
    log.info("Run {} | interval {} | lake {}", options.runId(), interval, options.lake);
    long t0 = System.nanoTime();
    Instant started = Instant.now();
    SparkSession spark =
        log.step(
            "Creating Spark session",
            () -> SparkSessions.create("altaviz-" + stage(), config.spark.shufflePartitions));
    StageContext ctx = new StageContext(stage(), started, spark, config, options, interval, log);
    String status = LedgerEntry.FAILED;
    String message = null;
    StageResult result = null;
    try {
      result = execute(ctx);
      status = LedgerEntry.SUCCESS;
      return ExitCode.OK;
    } catch (EtlException e) {
      status =
          e.exitCode() == ExitCode.QUALITY_GATE ? LedgerEntry.QUALITY_FAILED : LedgerEntry.FAILED;
      message = e.getMessage();
      result = ctx.partial();
      throw e;
    } catch (Exception e) {
      message = e.toString();
      result = ctx.partial();
      throw e;
    } finally {
      record(ctx, status, message, result);
      if (LedgerEntry.SUCCESS.equals(status)) {
        Failpoint.reachAfterLedgerCommit(stage());
      }
      if (!LedgerEntry.FAILED.equals(status)) {
        renderReport(ctx); // also after exit 3: that is when people open the report
      }
      log.info(
          "SUMMARY stage={} run_id={} status={} rows_in={} rows_out={} quarantined={} "
              + "input_version={} output_version={} duration={}",
          stage(),
          ctx.runId,
          status,
          result == null ? 0 : result.rowsIn(),
          result == null ? 0 : result.rowsOut(),
          result == null ? 0 : result.rowsQuarantined(),
          result == null ? null : result.inputVersion(),
          result == null ? null : result.outputVersion(),
          StageLog.seconds(System.nanoTime() - t0));
    }
  }

  /**
   * Writes the run's quality report (docs/quality-and-features.md, "Quality report"). A report is a
   * view: a problem rendering it is one WARN line, never the stage's outcome.
   */
  private void renderReport(StageContext ctx) {
    try {
      QualityReport.render(ctx.spark, ctx.lake, ctx.runId)
          .ifPresentOrElse(
              path -> ctx.log.info("Quality report: {}", path),
              () -> ctx.log.info("Quality report: none (no quality metrics of this run yet)"));
    } catch (Exception | LinkageError e) {
      ctx.log.warn("Quality report not written: {}", JobLauncher.oneLine(e.toString()));
    }
  }

  private void warnFailpoint(StageLog log, Failpoint.Setting f) {
    if (f.point().stage().equals(stage())) {
      log.warn(
          "Failpoint {} is set ({}): this run stops there (a crash-consistency test)",
          f.point().pointName(),
          f.mode().label());
    } else {
      log.warn(
          "Failpoint {} is set but belongs to the {} stage: not reached by this run",
          f.point().pointName(),
          f.point().stage());
    }
  }

  private void record(StageContext ctx, String status, String message, StageResult r) {
    try {
      boolean published = LedgerEntry.SUCCESS.equals(status) && ctx.published() != null;
      ctx.ledger.record(
          published ? ctx.published() : ctx.ledgerEntry(status, message, r, Instant.now()));
    } catch (RuntimeException e) {
      // Never let a ledger problem hide the stage's own outcome; say it loudly instead.
      ctx.log.error("could not record the run in {}: {}", ctx.lake.pipelineRuns(), e.toString());
      if (LedgerEntry.SUCCESS.equals(status)) {
        throw e;
      }
    }
  }
}
