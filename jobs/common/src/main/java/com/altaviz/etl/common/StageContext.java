package com.altaviz.etl.common;

import com.altaviz.etl.common.config.EtlConfig;
import java.time.Duration;
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
  private final String stage;
  private StageResult partial;

  StageContext(
      String stage,
      SparkSession spark,
      EtlConfig config,
      StageOptions options,
      Interval interval,
      StageLog log) {
    this.stage = stage;
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
   * The input version to read (DESIGN §5): {@code --input-version}, else what {@code
   * upstreamStage} committed for this run id, else the latest — but never older than what a
   * successful run of this stage already read for an overlapping written range (see {@link
   * RunLedger#newestInputRead}), so an older interval re-run or retried after a newer one keeps
   * the rows the newer run added. Always a concrete number so the ledger records exactly what
   * was read.
   */
  public long inputVersion(String table, String upstreamStage) {
    RunLedger.Pins pins = ledger.pins(runId, upstreamStage, stage, writtenRange(), lookback());
    OptionalLong newest = pins.newestInputRead();
    if (options.inputVersion != null) {
      long latest = DeltaIo.latestVersion(spark, table).orElse(-1);
      if (options.inputVersion < 0 || options.inputVersion > latest) {
        throw EtlException.usage(
            "--input-version " + options.inputVersion + " does not exist for " + table
                + " (latest is " + latest + ")");
      }
      if (newest.isPresent() && newest.getAsLong() > options.inputVersion) {
        log.warn("--input-version {} is older than v{} that an earlier {} run read for an "
            + "overlapping range: rows added since are replaced (a replay)", options.inputVersion,
            newest.getAsLong(), stage);
      }
      return options.inputVersion;
    }
    OptionalLong fromRun = pins.upstreamOutput();
    long pinned = fromRun.isPresent()
        ? fromRun.getAsLong()
        : DeltaIo.latestVersion(spark, table)
            .orElseThrow(
                () ->
                    EtlException.usage(
                        "input table " + table + " does not exist; run the " + upstreamStage
                            + " stage first"));
    if (newest.isPresent() && newest.getAsLong() > pinned) {
      log.warn("An earlier {} run read {} v{} for a range overlapping {}; reading v{} instead of "
          + "v{} so its rows are kept", stage, table, newest.getAsLong(), writtenRange(),
          newest.getAsLong(), pinned);
      return newest.getAsLong();
    }
    return pinned;
  }

  /**
   * The latest version of an output table, taken before the input is pinned; {@link
   * #requireNoCommitSince} compares against it right before writing.
   */
  public long outputBaseline(String table) {
    return DeltaIo.latestVersion(spark, table).orElse(-1);
  }

  /**
   * Fails the run (exit 1, nothing written) when another run committed data to {@code table}
   * since {@code baseline}: that run may have read newer input for an overlapping range, and
   * replacing the range now would roll its rows back. Delta's own conflict check only covers
   * the write itself, not the minutes of computing before it. The retry pins its input anew.
   */
  public void requireNoCommitSince(String table, long baseline) {
    DeltaIo.dataCommitsSince(spark, table, baseline).stream()
        .filter(c -> !runId.equals(c.runId()))
        .findFirst()
        .ifPresent(c -> {
          throw EtlException.conflict(table + " changed while this run was computing (version "
              + c.version() + " by run " + c.runId() + "); nothing written, retry to recompute");
        });
  }

  /** {@code [start − lookback, end)}: what silver, gold and export replace (DESIGN §6). */
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
}
