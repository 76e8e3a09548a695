package com.altaviz.etl.gold;

import com.altaviz.etl.common.Background;
import com.altaviz.etl.common.DeltaFiles;
import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.Failpoint;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.StageContext;
import com.altaviz.etl.common.StageContext.UpstreamWrite;
import com.altaviz.etl.common.StageJob;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.StageResult;
import com.altaviz.etl.common.VersionProvider;
import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.quality.CheckResult;
import com.altaviz.etl.common.quality.QualityStore;
import com.altaviz.etl.common.quality.TableChecks;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;

/**
 * Gold stage: point-in-time rolling ML features from silver into gold/sensor_features, replacing
 * exactly the run's output range. One read (silver through Delta's reader at the pinned version,
 * see {@link GoldFeatures}) and one write (Delta's replaceWhere, which enforces the table's
 * constraints and commits atomically).
 */
@Command(
    name = "altaviz-gold",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Computes trailing-window features per compressor from silver/sensor_readings into",
      "gold/sensor_features, replacing [start - silver.lookback_hours, end) partitioned by date.",
      "Silver is read from gold.warmup_hours earlier so the 24h windows start complete.",
      "Without --start/--end/--date every silver row is processed and gold is replaced whole."
    })
public class GoldJob extends StageJob {
  public static void main(String[] args) {
    JobLauncher.main(new GoldJob(), args);
  }

  @Override
  protected String stage() {
    return "gold";
  }

  @Override
  protected String title() {
    return "GOLD LAYER: point-in-time ML features";
  }

  @Override
  protected StageResult execute(StageContext ctx) throws Exception {
    long t0 = System.nanoTime();
    long cpu0 = processCpuNanos();
    GoldRange range =
        GoldRange.of(ctx.interval, ctx.config.silver.lookbackHours, ctx.config.gold.warmupHours);
    String silverPath = ctx.lake.silverReadings();
    String goldPath = ctx.lake.goldFeatures();
    GoldFeatures.Counters counters = GoldFeatures.Counters.register(ctx.spark);
    long silverVersion;
    long version;
    // A table of another layout is refused before any work (Kernel reads its metadata fast).
    GoldLayout.require(ctx.spark, goldPath);
    // Side inputs load on a side thread from the start, as they are a cold driver's latency: the
    // two small dimension tables, needed when the features start.
    try (Background<Dimensions> sideInputs =
        Background.start(
            ctx.spark,
            "gold-dimensions",
            () -> new Dimensions(compressors(ctx), maintenance(ctx)))) {
      long goldBaseline = ctx.outputBaseline(goldPath); // before pinning: requireNoCommitSince
      silverVersion = ctx.inputVersion(silverPath, "silver", UpstreamWrite.REPLACE_RANGE);
      ctx.log.info(
          "Output {} from silver v{} rows {} (warm-up {}h)",
          range.output(),
          silverVersion,
          range.read(),
          ctx.config.gold.warmupHours);
      Dataset<Row> silver =
          DeltaIo.read(ctx.spark, silverPath, OptionalLong.of(silverVersion))
              .where(range.readFilter());
      Dimensions dims =
          ctx.log.step("Loading compressor metadata and maintenance history", sideInputs::get);
      ctx.log.info(
          "{} compressors in metadata, {} with maintenance events",
          dims.compressors().size(),
          dims.maintenance().compressors());
      Dataset<Row> gold =
          GoldFeatures.features(
              silver,
              GoldFeatures.pass(
                  dims.compressors(),
                  dims.maintenance(),
                  ctx.config.thresholds,
                  range,
                  ctx.runId,
                  counters));
      GoldSettings.apply(ctx.spark);
      ctx.requireNoCommitSince(goldPath, goldBaseline);
      version =
          ctx.log.step(
              "Computing features and writing " + goldPath,
              () ->
                  write(Failpoint.GOLD_DURING_WRITE.duringWrite(gold), goldPath, range, ctx.runId));
      Failpoint.GOLD_AFTER_COMMIT.reach();
    }
    checkOutput(ctx, goldPath, version, range);
    long rowsIn = counters.rowsIn().value();
    long rowsOut = counters.rowsOut().value();
    ctx.log.info(
        "Gold: {} silver rows read (incl. warm-up), {} feature rows written, {} columns, v{}",
        StageLog.count(rowsIn),
        StageLog.count(rowsOut),
        GoldSchema.OUTPUT.size(),
        version);
    // CPU time of the whole driver process (local mode: the executors too) tells the work done
    // apart from waiting on a busy machine.
    ctx.log.info(
        "Gold processing (session ready -> Delta commit): {} ({} process CPU)",
        StageLog.seconds(System.nanoTime() - t0),
        StageLog.seconds(processCpuNanos() - cpu0));
    return new StageResult(silverPath, silverVersion, goldPath, version, rowsIn, rowsOut, 0);
  }

  /**
   * The gold checks of the suite on the rows this run committed (one aggregation over the output
   * range, feature columns only), written to ops/quality_metrics. A {@code fail} exits 3: the gold
   * version stays, and the DAG stops before export (docs/quality-and-features.md).
   */
  private static void checkOutput(StageContext ctx, String goldPath, long version, GoldRange range)
      throws Exception {
    Map<String, CheckConfig> checks = ctx.config.checks("gold");
    if (checks.isEmpty()) {
      return;
    }
    List<CheckResult> results =
        ctx.log.step(
            "Checking gold",
            () ->
                TableChecks.evaluate(
                    DeltaIo.read(ctx.spark, goldPath, OptionalLong.of(version))
                        .where(range.replacePredicate()),
                    checks));
    Map<String, Long> byStatus = new TreeMap<>();
    for (CheckResult r : results) {
      byStatus.merge(r.status(), 1L, Long::sum);
      if (!r.status().equals(CheckResult.PASS) || r.column().equals(CheckResult.ALL)) {
        ctx.log.info("  {} {}", r.message(), r.status());
      }
    }
    // passing per-column results are many and alike: one count line, the details are in the report
    ctx.log.info("  {} gold check results: {}", results.size(), byStatus);
    QualityStore.write(
        ctx.spark, ctx.lake.qualityMetrics(), results, ctx.runId, "gold", ctx.interval);
    List<String> failed =
        results.stream()
            .filter(r -> r.status().equals(CheckResult.FAIL))
            .map(CheckResult::message)
            .toList();
    if (!failed.isEmpty()) {
      throw EtlException.qualityGate(
          "gold check failed: "
              + String.join("; ", failed)
              + " — gold version "
              + version
              + " is written; metrics in "
              + ctx.lake.qualityMetrics());
    }
  }

  /**
   * Replaces the output range in one Delta commit. Delta checks the table's CHECK constraints and
   * NOT NULL columns on every row written; a violation aborts the write before the commit (the
   * table stays at its version) and stops the run as bad input, in one line naming the constraint.
   */
  private static long write(Dataset<Row> gold, String path, GoldRange range, String runId)
      throws Exception {
    try {
      return DeltaIo.replaceWhere(gold, path, range.replacePredicate(), runId, "date");
    } catch (Exception e) { // a task's failure arrives as a SparkException, a checked exception
      for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
        if (c instanceof SparkThrowable st
            && st.getErrorClass() != null
            && CONSTRAINT_VIOLATIONS.stream().anyMatch(st.getErrorClass()::startsWith)) {
          throw EtlException.badInput(
              path
                  + ": gold rows violate a constraint of the table, nothing was committed: "
                  + c.getMessage().replaceAll("\\s*\\R\\s*", " ").strip(),
              c);
        }
      }
      throw e;
    }
  }

  /** Delta's error classes for a row that breaks a CHECK constraint or a NOT NULL column. */
  private static final List<String> CONSTRAINT_VIOLATIONS =
      List.of("DELTA_VIOLATE_CONSTRAINT", "DELTA_NOT_NULL_CONSTRAINT_VIOLATED");

  /**
   * bronze/compressor_metadata at its latest version, read on the driver by Delta Kernel when the
   * table allows (DeltaFiles.collect says why), else through Delta's reader.
   */
  private static CompressorCatalog compressors(StageContext ctx) {
    String path = ctx.lake.bronzeMetadata();
    return DeltaFiles.collect(
            ctx.spark, path, List.of("compressor_id", "model", "station_id", "horsepower"))
        .map(CompressorCatalog::of)
        .orElseGet(
            () -> CompressorCatalog.collect(DeltaIo.read(ctx.spark, path, OptionalLong.empty())));
  }

  /** bronze/maintenance_logs at its latest version, read as {@link #compressors} is. */
  private static MaintenanceHistory maintenance(StageContext ctx) {
    String path = ctx.lake.bronzeMaintenance();
    return DeltaFiles.collect(ctx.spark, path, List.of("compressor_id", "performed_at"))
        .filter(rows -> rows.stream().allMatch(r -> r[1] == null || r[1] instanceof Instant))
        .map(GoldFeatures::maintenance)
        .orElseGet(
            () ->
                GoldFeatures.collectMaintenance(
                    DeltaIo.read(ctx.spark, path, OptionalLong.empty())));
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : 0;
  }

  private record Dimensions(CompressorCatalog compressors, MaintenanceHistory maintenance) {}
}
