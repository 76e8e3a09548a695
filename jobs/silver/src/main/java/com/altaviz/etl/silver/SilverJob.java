package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.Failpoint;
import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.StageContext;
import com.altaviz.etl.common.StageContext.UpstreamWrite;
import com.altaviz.etl.common.StageJob;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.StageResult;
import com.altaviz.etl.common.VersionProvider;
import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.SilverConfig;
import com.altaviz.etl.common.quality.CheckResult;
import com.altaviz.etl.common.quality.QualityStore;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;

/**
 * Silver stage: bronze rows of [start − lookback, end) at a pinned version → the named rules →
 * silver/sensor_readings (replaceWhere of exactly that range), silver/quarantine (same range) and
 * ops/quality_metrics. A {@code fail} rule or a breached gate writes metrics and quarantine, leaves
 * silver unchanged and exits 3.
 */
@Command(
    name = "altaviz-silver",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "Bronze -> silver: validated, deduplicated readings; quarantine; quality metrics.")
public class SilverJob extends StageJob {

  public static void main(String[] args) {
    JobLauncher.main(new SilverJob(), args);
  }

  @Override
  protected String stage() {
    return "silver";
  }

  @Override
  protected String title() {
    return "SILVER LAYER: Data quality and cleaning";
  }

  @Override
  protected StageResult execute(StageContext ctx) throws Exception {
    StageLog log = ctx.log;
    SilverConfig cfg = ctx.config.silver;
    RuleActions actions = RuleActions.of(cfg.rules);
    String bronzePath = ctx.lake.bronzeReadings();
    String silverPath = ctx.lake.silverReadings();
    // Taken before the input is pinned, checked before the first write (see requireNoCommitSince).
    long silverBaseline = ctx.outputBaseline(silverPath);
    long quarantineBaseline = ctx.outputBaseline(ctx.lake.quarantine());
    long bronzeVersion = ctx.inputVersion(bronzePath, "bronze", UpstreamWrite.APPEND);
    Duration lookback = Duration.ofHours(cfg.lookbackHours);
    Interval processed = ctx.interval.extendBack(lookback);
    Duration cadence = Duration.ofMinutes(cfg.readingIntervalMinutes);
    Duration skew = Duration.ofMinutes(cfg.clockSkewMinutes);
    // Spike neighbours beyond the range: 4 cadences per needed neighbour, so a few missing
    // readings still leave a full window at the edges.
    Duration context = cadence.multipliedBy(4L * (cfg.hampel.window / 2));
    log.info(
        "Processed range {} (interval {} + {} h lookback), bronze version {}",
        processed,
        ctx.interval,
        cfg.lookbackHours,
        bronzeVersion);

    Dataset<Row> bronze = DeltaIo.read(ctx.spark, bronzePath, OptionalLong.of(bronzeVersion));
    log.step(
        "Validating schema",
        () -> {
          List<String> problems = BronzeSchemaRule.problems(bronze.schema());
          if (!problems.isEmpty()) {
            String why = String.join("; ", problems);
            writeMetrics(
                ctx,
                List.of(
                    CheckResult.info(
                        "rule_" + RuleNames.SCHEMA,
                        QualityMetrics.ALL,
                        (double) problems.size(),
                        null,
                        QualityMetrics.FAIL)));
            ctx.reportPartial(
                new StageResult(bronzePath, bronzeVersion, silverPath, null, 0, 0, 0));
            throw EtlException.qualityGate(
                "silver rule 'schema' failed: " + bronzePath + " v" + bronzeVersion + ": " + why);
          }
          log.info(
              "  {} required columns present with their types ✓", BronzeSchemaRule.REQUIRED.size());
          return null;
        });

    Map<String, String> models = fleet(ctx);
    List<String> fleetIds = List.copyOf(models.keySet());
    Dataset<Row> fleet = ctx.spark.createDataset(fleetIds, Encoders.STRING()).toDF("compressor_id");
    // With no interval the landing-day check alone applies (see FutureTimestamps).
    Instant reference = ctx.interval.isAll() ? null : ctx.interval.end();
    var spec =
        new SilverScope.Spec(
            processed, lookback, context, skew, actions.removes(RuleNames.FUTURE_TIMESTAMP));
    var settings =
        new SilverRules.Settings(
            actions, cfg.ranges, cfg.hampel.window, cfg.hampel.thresholdMads, reference, skew);

    // One shuffle by compressor serves deduplication and the spike filter alike. The prepared
    // rows are cached while the spike findings (few rows, cached too) are joined back to them.
    Dataset<Row> prepared =
        SilverRules.prepare(
                SilverScope.select(bronze, spec).repartition(col("compressor_id")), fleet, settings)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> spikes =
        SilverRules.spikes(prepared, settings).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> classified;
    try {
      // The rules run once; everything after reads their checkpointed result instead of
      // re-planning them (docs/architecture.md, Silver). A lost executor fails the run.
      classified =
          log.step(
              "Applying rules (keys, timestamps, duplicates, ranges, spikes, empty rows)",
              () -> SilverRules.finish(prepared, spikes, settings).localCheckpoint(true));
    } finally {
      spikes.unpersist();
      prepared.unpersist();
    }
    RunCounts counts = RunCounts.of(classified, actions);
    logCounts(log, counts, actions, fleetIds.size(), reference, skew);
    reconcile(log, counts);

    Dataset<Row> silverRows = SilverOutputs.silverRows(classified, ctx.runId);
    Map<String, CheckConfig> checks = ctx.config.checks("silver");
    List<CheckResult> metrics =
        log.step(
            "Measuring data quality",
            () -> {
              var measured =
                  QualityMetrics.measure(silverRows, ctx.interval, fleetIds, cadence, checks);
              List<CheckResult> out =
                  new ArrayList<>(QualityMetrics.metrics(measured, counts, checks, actions));
              out.addAll(
                  SilverChecks.anomalies(
                      ctx.spark,
                      ctx.lake.qualityMetrics(),
                      checks,
                      out,
                      measured.rows(),
                      ctx.interval));
              out.addAll(
                  SilverChecks.drift(
                      ctx.spark, silverPath, checks, silverRows, models, ctx.interval, lookback));
              return out;
            });
    logMetrics(log, metrics);
    List<String> failures = QualityMetrics.failures(metrics);

    ctx.requireNoCommitSince(silverPath, silverBaseline);
    ctx.requireNoCommitSince(ctx.lake.quarantine(), quarantineBaseline);
    long quarantineVersion =
        log.step(
            "Writing quarantine " + ctx.lake.quarantine(),
            () -> writeQuarantine(ctx, classified, actions, spec));
    log.info("  silver/quarantine version {}", quarantineVersion);
    Failpoint.SILVER_AFTER_QUARANTINE_COMMIT.reach();
    if (!failures.isEmpty()) {
      writeMetrics(ctx, metrics);
      ctx.reportPartial(
          new StageResult(
              bronzePath,
              bronzeVersion,
              silverPath,
              null,
              counts.input(),
              0,
              counts.quarantinedRows()));
      throw EtlException.qualityGate(
          "silver quality gate failed: "
              + String.join("; ", failures)
              + " — silver left unchanged at version "
              + DeltaIo.latestVersion(ctx.spark, silverPath).orElse(-1)
              + "; metrics and quarantine written");
    }
    long silverVersion =
        log.step(
            "Writing silver " + silverPath,
            () -> {
              createSilver(ctx, silverPath);
              long before = DeltaIo.latestVersion(ctx.spark, silverPath).orElse(-1);
              long v =
                  DeltaIo.replaceWhere(
                      Failpoint.SILVER_DURING_SILVER_WRITE.duringWrite(silverRows),
                      silverPath,
                      SilverScope.silverPredicate(processed),
                      ctx.runId,
                      "date");
              if (v <= before) {
                // Delta records no commit for a write that neither adds nor removes a file: a day
                // without readings over a range silver holds nothing for. The table is unchanged.
                if (counts.silver() != 0) {
                  throw new IllegalStateException(
                      String.format(
                          Locale.ROOT,
                          "silver write of %d rows made no commit (table still at version %d)",
                          counts.silver(),
                          before));
                }
                log.info("  nothing to replace: no silver rows in or for {}", processed);
                return before;
              }
              long written = DeltaIo.committedRows(ctx.spark, silverPath, v);
              if (written != counts.silver()) {
                throw new IllegalStateException(
                    String.format(
                        Locale.ROOT,
                        "silver version %d committed %d rows, the rules classified %d as silver",
                        v,
                        written,
                        counts.silver()));
              }
              return v;
            });
    Failpoint.SILVER_AFTER_SILVER_COMMIT.reach();
    writeMetrics(ctx, metrics);
    Failpoint.SILVER_AFTER_METRICS_COMMIT.reach();
    log.info(
        "Silver layer complete: {} rows (silver version {}, bronze version {})",
        StageLog.count(counts.silver()),
        silverVersion,
        bronzeVersion);
    return new StageResult(
        bronzePath,
        bronzeVersion,
        silverPath,
        silverVersion,
        counts.input(),
        counts.silver(),
        counts.quarantinedRows());
  }

  /**
   * Compressor ids of bronze/compressor_metadata at its latest version: the fleet readings must
   * belong to. Latest, not as of the bronze version, so a corrected fleet list takes effect when an
   * old interval is re-run.
   */
  private static Map<String, String> fleet(StageContext ctx) {
    String path = ctx.lake.bronzeMetadata();
    OptionalLong version = DeltaIo.latestVersion(ctx.spark, path);
    if (version.isEmpty()) {
      throw EtlException.badInput(path + " does not exist; run the bronze stage first", null);
    }
    Map<String, String> ids = new TreeMap<>();
    Dataset<Row> metadata = DeltaIo.read(ctx.spark, path, version);
    // the model only groups drift checks; a metadata table without it is one group
    Column model =
        List.of(metadata.columns()).contains("model")
            ? col("model")
            : functions.lit(null).cast("string");
    for (Row r :
        metadata
            .select(col("compressor_id"), model)
            .where(col("compressor_id").isNotNull())
            .collectAsList()) {
      ids.merge(r.getString(0), r.isNullAt(1) ? "unknown" : r.getString(1), (a, b) -> a);
    }
    ctx.log.info("Fleet: {} compressors in {} version {}", ids.size(), path, version.getAsLong());
    return ids;
  }

  private static void logCounts(
      StageLog log, RunCounts c, RuleActions a, int fleet, Instant reference, Duration skew) {
    log.info(
        "  Input: {} bronze rows in range ({} context rows read for spike neighbours only)",
        StageLog.count(c.input()),
        StageLog.count(c.context()));
    log.info(
        "  Keys: {} with null compressor_id/timestamp [{}], {} of unknown compressors"
            + " (fleet of {}) [{}]",
        StageLog.count(c.ruleHits().get(RuleNames.NULL_KEYS)),
        act(a, RuleNames.NULL_KEYS),
        StageLog.count(c.ruleHits().get(RuleNames.UNKNOWN_COMPRESSOR)),
        fleet,
        act(a, RuleNames.UNKNOWN_COMPRESSOR));
    log.info(
        "  Timestamps: {} later than {}the end of their landing day + {} min, or before {}"
            + " [{}]{}",
        StageLog.count(c.ruleHits().get(RuleNames.FUTURE_TIMESTAMP)),
        reference == null ? "" : reference + " or ",
        skew.toMinutes(),
        FutureTimestamps.EARLIEST,
        act(a, RuleNames.FUTURE_TIMESTAMP),
        c.deferred() == 0 ? "" : "; " + c.deferred() + " left to the run of their interval");
    log.info(
        "  Duplicates: {} superseded deliveries [{}] (latest delivery kept)",
        StageLog.count(c.ruleHits().get(RuleNames.DUPLICATES)),
        act(a, RuleNames.DUPLICATES));
    for (String rule : RuleNames.VALUE_RULES) {
      log.info("  {}: {} values [{}]", rule, StageLog.count(c.valueHits(rule)), act(a, rule));
      for (var e : c.valueHits().get(rule).entrySet()) {
        if (e.getValue() > 0) {
          log.info(
              "    - {}: {} ({})",
              e.getKey(),
              StageLog.count(e.getValue()),
              pct(e.getValue(), c.input()));
        }
      }
    }
    log.info(
        "  All sensors null: {} rows [{}]",
        StageLog.count(c.ruleHits().get(RuleNames.ALL_SENSORS_NULL)),
        act(a, RuleNames.ALL_SENSORS_NULL));
    if (c.tooLate() > 0) {
      log.warn(
          "  {} rows landed in these folders are older than the lookback: not processed;"
              + " re-run the intervals they belong to",
          StageLog.count(c.tooLate()));
    }
  }

  /** Every counted bronze row is in silver, in quarantine, or a counted drop: else exit 1. */
  private static void reconcile(StageLog log, RunCounts c) {
    String line =
        String.format(
            Locale.ROOT,
            "Reconciliation: bronze rows %s = silver %s + quarantined %s + dropped duplicates %s"
                + " + dropped by other rules %s",
            StageLog.count(c.input()),
            StageLog.count(c.silver()),
            StageLog.count(c.quarantinedRows()),
            StageLog.count(c.droppedDuplicates()),
            StageLog.count(c.droppedOther()));
    if (c.unaccounted() != 0) {
      log.error("{} ✗ ({} rows unaccounted)", line, c.unaccounted());
      throw new IllegalStateException(
          "silver reconciliation failed: "
              + c.unaccounted()
              + " bronze rows are neither in silver, quarantined nor dropped");
    }
    log.info("{} ✓", line);
  }

  private static void logMetrics(StageLog log, List<CheckResult> metrics) {
    for (CheckResult m : metrics) {
      if (m.limit() != null
          && !m.metric().startsWith("rule_")
          && (m.column().equals(QualityMetrics.ALL)
              || m.metric().equals("missing_rate")
              || !m.status().equals(QualityMetrics.PASS))) {
        log.info("  {} {}", QualityMetrics.describe(m), m.status());
      } else if (m.checkName() != null
          && m.limit() == null
          && m.message() != null
          && (m.scope().equals(QualityMetrics.ALL) || !m.status().equals(QualityMetrics.PASS))) {
        log.info("  {} {}", m.message(), m.status());
      }
    }
  }

  private static long writeQuarantine(
      StageContext ctx, Dataset<Row> classified, RuleActions actions, SilverScope.Spec spec) {
    String path = ctx.lake.quarantine();
    DeltaTable.createIfNotExists(ctx.spark)
        .location(path)
        .addColumns(SilverOutputs.QUARANTINE)
        .execute();
    // repartition, not coalesce: the filter over the cached rows stays parallel, only the few
    // quarantine rows are moved into one file
    Dataset<Row> rows =
        SilverOutputs.quarantineRows(classified, actions, ctx.runId, Timestamp.from(Instant.now()))
            .repartition(1);
    return DeltaIo.replaceWhere(rows, path, SilverScope.quarantinePredicate(spec), ctx.runId);
  }

  /** Partitioned by date; file statistics on compressor_id and timestamp, what readers filter. */
  private static void createSilver(StageContext ctx, String path) {
    DeltaTable.createIfNotExists(ctx.spark)
        .location(path)
        .addColumns(SilverOutputs.SILVER)
        .partitionedBy("date")
        .property("delta.dataSkippingNumIndexedCols", "2")
        .execute();
  }

  /** Replaces this run's metric rows (a retry with the same run id leaves one set). */
  private static void writeMetrics(StageContext ctx, List<CheckResult> metrics) {
    QualityStore.write(
        ctx.spark, ctx.lake.qualityMetrics(), metrics, ctx.runId, "silver", ctx.interval);
  }

  private static String act(RuleActions a, String rule) {
    return RuleActions.name(a.get(rule));
  }

  private static String pct(long n, long of) {
    return of == 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", 100.0 * n / of);
  }
}
