package com.altaviz.etl.common;

import com.altaviz.etl.common.config.EtlConfig;
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
  private StageResult partial;

  StageContext(
      SparkSession spark,
      EtlConfig config,
      StageOptions options,
      Interval interval,
      StageLog log) {
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
   * upstreamStage} committed for this run id, else the latest. Always a concrete number so the
   * ledger records exactly what was read.
   */
  public long inputVersion(String table, String upstreamStage) {
    if (options.inputVersion != null) {
      long latest = DeltaIo.latestVersion(spark, table).orElse(-1);
      if (options.inputVersion < 0 || options.inputVersion > latest) {
        throw EtlException.usage(
            "--input-version " + options.inputVersion + " does not exist for " + table
                + " (latest is " + latest + ")");
      }
      return options.inputVersion;
    }
    OptionalLong fromRun = ledger.outputVersion(runId, upstreamStage);
    if (fromRun.isPresent()) {
      return fromRun.getAsLong();
    }
    return DeltaIo.latestVersion(spark, table)
        .orElseThrow(
            () ->
                EtlException.usage(
                    "input table " + table + " does not exist; run the " + upstreamStage
                        + " stage first"));
  }

  /** Lets a stage that fails a quality gate still report its counts to the ledger. */
  public void reportPartial(StageResult result) {
    this.partial = result;
  }

  StageResult partial() {
    return partial;
  }
}
