package com.altaviz.etl.common;

import com.altaviz.etl.common.config.EtlConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import org.apache.spark.sql.SparkSession;

/** Everything a stage needs for one run, built once by {@link StageJob}. */
public final class StageContext {
  public final SparkSession spark;
  public final EtlConfig config;
  public final StageOptions options;
  public final Interval interval;
  public final LakePaths lake;
  public final RunLedger ledger;
  public final StageLog log;
  public final String runId;

  /** The run's {@code started_at}: with run id and stage, the key of its ledger row. */
  public final Instant startedAt;

  private final String stage;
  private StageResult partial;
  private LedgerEntry published;

  StageContext(
      String stage,
      Instant startedAt,
      SparkSession spark,
      EtlConfig config,
      StageOptions options,
      Interval interval,
      StageLog log) {
    this.stage = stage;
    this.startedAt = micros(startedAt);
    this.spark = spark;
    this.config = config;
    this.options = options;
    this.interval = interval;
    this.lake = new LakePaths(options.lake);
    this.ledger = new RunLedger(spark, lake);
    this.log = log;
    this.runId = options.runId();
  }

  /**
   * The input version to read (README.md, Run or debug one stage): {@code --input-version}, else
   * what {@code upstreamStage} committed for this run id, else the latest — but never older than
   * what a successful run of this stage already read for an overlapping written range (see {@link
   * RunLedger#newestInputRead}), so an older interval re-run or retried after a newer one keeps the
   * rows the newer run added. Always a concrete number so the ledger records exactly what was read.
   * A version pinned by the upstream run's ledger row must hold the rows that row says it wrote
   * ({@code upstreamWrite} says how to count them), else the run stops with exit 2.
   */
  public long inputVersion(String table, String upstreamStage, UpstreamWrite upstreamWrite) {
    RunLedger.Pins pins = ledger.pins(runId, upstreamStage, stage, writtenRange(), lookback());
    OptionalLong newest = pins.newestInputRead();
    if (options.inputVersion != null) {
      long latest = DeltaIo.latestVersion(spark, table).orElse(-1);
      if (options.inputVersion < 0 || options.inputVersion > latest) {
        throw EtlException.usage(
            "--input-version "
                + options.inputVersion
                + " does not exist for "
                + table
                + " (latest is "
                + latest
                + ")");
      }
      if (newest.isPresent() && newest.getAsLong() > options.inputVersion) {
        log.warn(
            "--input-version {} is older than v{} that an earlier {} run read for an "
                + "overlapping range: rows added since are replaced (a replay)",
            options.inputVersion,
            newest.getAsLong(),
            stage);
      }
      return options.inputVersion;
    }
    OptionalLong fromRun = pins.upstreamOutput();
    long pinned =
        fromRun.isPresent()
            ? fromRun.getAsLong()
            : DeltaIo.latestVersion(spark, table)
                .orElseThrow(
                    () ->
                        EtlException.usage(
                            "input table "
                                + table
                                + " does not exist; run the "
                                + upstreamStage
                                + " stage first"));
    if (newest.isPresent() && newest.getAsLong() > pinned) {
      log.warn(
          "An earlier {} run read {} v{} for a range overlapping {}; reading v{} instead of "
              + "v{} so its rows are kept",
          stage,
          table,
          newest.getAsLong(),
          writtenRange(),
          newest.getAsLong(),
          pinned);
      return newest.getAsLong();
    }
    if (pins.upstream().isPresent()) {
      requireLedgerRows(table, upstreamStage, upstreamWrite, pins.upstream().get());
    }
    return pinned;
  }

  /** How an upstream stage writes its output version: what its ledger {@code rows_out} counts. */
  public enum UpstreamWrite {
    /** One append: the version adds {@code rows_out} rows to the version before (bronze). */
    APPEND,
    /**
     * A replaceWhere of its written range {@code [start − lookback, end)} on {@code timestamp} of a
     * table partitioned by {@code date} (silver, gold), of everything in single-batch mode: that
     * range holds {@code rows_out} rows at the version.
     */
    REPLACE_RANGE
  }

  /**
   * Refuses (exit 2, nothing written) an input version that does not hold the rows its upstream run
   * recorded in the ledger for it: a commit file emptied or cut short at a line end, or a commit
   * that lost its files, reads as a smaller (even empty) table without any error, and computing on
   * it would replace good output with too little.
   */
  private void requireLedgerRows(
      String table, String upstreamStage, UpstreamWrite write, RunLedger.Upstream up) {
    long version = up.outputVersion();
    long held;
    String what;
    if (write == UpstreamWrite.APPEND) {
      if (up.rowsOut() == 0) {
        return; // no commit of its own: the recorded version is whatever was latest
      }
      held =
          DeltaIo.count(spark, table, version, null)
              - (version == 0 ? 0 : DeltaIo.count(spark, table, version - 1, null));
      what = "adds " + held + " rows to v" + (version - 1);
    } else {
      Interval range = up.interval().extendBack(lookback());
      held = DeltaIo.count(spark, table, version, DeltaIo.dateRangePredicate(range, "timestamp"));
      what = "holds " + held + " rows in " + range;
    }
    if (held != up.rowsOut()) {
      throw EtlException.badInput(
          table
              + " v"
              + version
              + " "
              + what
              + " but the ledger says "
              + upstreamStage
              + " run "
              + up.runId()
              + " wrote "
              + up.rowsOut()
              + ": the table's log or data "
              + "files are damaged; nothing written (restore them, or RESTORE the table to its "
              + "last good version and re-run "
              + upstreamStage
              + ")",
          null);
    }
    log.info(
        "{} v{} {} as the ledger says ({} run {}) ✓",
        table,
        version,
        what,
        upstreamStage,
        up.runId());
  }

  /**
   * The latest version of an output table, taken before the input is pinned; {@link
   * #requireNoCommitSince} compares against it right before writing.
   */
  public long outputBaseline(String table) {
    return DeltaIo.latestVersion(spark, table).orElse(-1);
  }

  /**
   * Fails the run (exit 1, nothing written) when another run committed data to {@code table} since
   * {@code baseline}: that run may have read newer input for an overlapping range, and replacing
   * the range now would roll its rows back. Delta's own conflict check only covers the write
   * itself, not the minutes of computing before it. The retry pins its input anew.
   */
  public void requireNoCommitSince(String table, long baseline) {
    DeltaIo.dataCommitsSince(spark, table, baseline).stream()
        .filter(c -> !runId.equals(c.runId()))
        .findFirst()
        .ifPresent(
            c -> {
              throw EtlException.conflict(
                  table
                      + " changed while this run was computing (version "
                      + c.version()
                      + " by run "
                      + c.runId()
                      + "); nothing written, retry to recompute");
            });
  }

  /** {@code [start − lookback, end)}: what silver, gold and export replace (late arrivals). */
  private Interval writtenRange() {
    return interval.extendBack(lookback());
  }

  private Duration lookback() {
    return Duration.ofHours(config.silver.lookbackHours);
  }

  /** Lets a stage that fails a quality gate still report its counts to the ledger. */
  public void reportPartial(StageResult result) {
    this.partial = result;
  }

  StageResult partial() {
    return partial;
  }

  /** This run's ledger row for an outcome; {@code r} null records zero rows. */
  public LedgerEntry ledgerEntry(String status, String message, StageResult r, Instant finishedAt) {
    return new LedgerEntry(
        runId,
        stage,
        interval.start(),
        interval.end(),
        r == null ? null : r.inputTable(),
        r == null ? null : r.inputVersion(),
        r == null ? null : r.outputTable(),
        r == null ? null : r.outputVersion(),
        r == null ? 0 : r.rowsIn(),
        r == null ? 0 : r.rowsOut(),
        r == null ? 0 : r.rowsQuarantined(),
        status,
        message,
        startedAt,
        micros(finishedAt),
        spark.sparkContext().applicationId());
  }

  /**
   * Declares that the stage has already published {@code success}, its ledger row as of a
   * successful end, outside the lake (export: into PostgreSQL, in the transaction of its data). If
   * the run then succeeds, the ledger records exactly that row, so both copies stay equal; if it
   * fails after all, the ledger records a failure row with the same key, which replaces the
   * published row wherever the ledger is mirrored.
   */
  public void publishedSuccess(LedgerEntry success) {
    if (!success.runId().equals(runId)
        || !success.stage().equals(stage)
        || !success.startedAt().equals(startedAt)
        || !LedgerEntry.SUCCESS.equals(success.status())) {
      throw new IllegalArgumentException("not this run's success row: " + success);
    }
    this.published = success;
  }

  LedgerEntry published() {
    return published;
  }

  /** Delta and PostgreSQL keep microseconds: a published row must equal its copy in the lake. */
  private static Instant micros(Instant i) {
    return i.truncatedTo(ChronoUnit.MICROS);
  }
}
