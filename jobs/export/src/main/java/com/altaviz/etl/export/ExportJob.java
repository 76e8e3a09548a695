package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.col;

import com.altaviz.etl.common.Background;
import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.StageContext;
import com.altaviz.etl.common.StageJob;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.StageResult;
import com.altaviz.etl.common.VersionProvider;
import com.altaviz.etl.common.config.ThresholdsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;

/**
 * The export stage (DESIGN §6 Export): gold at its pinned version → {@code compressor_health} in
 * PostgreSQL — hourly/4-hourly/daily aggregates, alert episodes, quality metrics, the ledger and
 * the dimensions — migrated by Flyway first and written in one transaction.
 */
@Command(
    name = "altaviz-export",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    subcommands = MigrateCommand.class,
    description = {
      "Exports gold to PostgreSQL (aggregates, alert episodes, quality metrics).",
      "Connection: ALTAVIZ_PG_HOST, ALTAVIZ_PG_PORT, ALTAVIZ_PG_DB, ALTAVIZ_PG_USER,"
          + " ALTAVIZ_PG_PASSWORD, or a properties file named by ALTAVIZ_PG_PROPERTIES."
    })
public class ExportJob extends StageJob {
  private final Map<String, String> env;

  public ExportJob() {
    this(System.getenv());
  }

  /** {@code env}: where connection settings (and the test hook) come from. */
  public ExportJob(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public static void main(String[] args) {
    JobLauncher.main(new ExportJob(), args);
  }

  Map<String, String> environment() {
    return env;
  }

  @Override
  protected String stage() {
    return "export";
  }

  @Override
  protected String title() {
    return "POSTGRESQL EXPORT: aggregates, alert episodes, quality metrics";
  }

  @Override
  protected StageResult execute(StageContext ctx) throws Exception {
    StageLog log = ctx.log;
    PgSettings pg = PgSettings.fromEnvironment(env);
    ExportFailpoint failpoint = ExportFailpoint.parse(env.get(ExportFailpoint.ENV));
    if (failpoint.isSet()) {
      log.warn(
          "test hook {} is set: this run will fail after writing {}",
          ExportFailpoint.ENV,
          failpoint.table());
    }
    log.info("PostgreSQL {}", pg);
    SchemaMigrator.Result schema =
        log.step("Applying schema migrations", () -> SchemaMigrator.migrate(pg));
    log.info("  {}", schema);
    ExportRange range =
        ExportRange.of(ctx.interval, Duration.ofHours(ctx.config.silver.lookbackHours));
    return export(ctx, pg, failpoint, range);
  }

  private StageResult export(
      StageContext ctx,
      PgSettings pg,
      ExportFailpoint failpoint,
      ExportRange range)
      throws Exception {
    StageLog log = ctx.log;

    SparkSession spark = ctx.spark;
    String goldPath = ctx.lake.goldFeatures();
    long goldVersion = ctx.inputVersion(goldPath, "gold");
    log.info("Gold {} at version {}, export range {}", goldPath, goldVersion, range);
    Dataset<Row> gold =
        GoldInput.project(DeltaIo.read(spark, goldPath, OptionalLong.of(goldVersion)), goldPath);

    ThresholdsConfig thresholds = ctx.config.thresholds;
    int closeAfter = ctx.config.export.episodeCloseAfterNormal;
    // One scan, shuffle and sort of gold feeds both the aggregates (day-aligned range) and the
    // first episode pass (the range and a day of context before it).
    ExportRange episodeWindow = EpisodeSearch.firstWindow(range);
    ReadingPass readingPass =
        new ReadingPass(thresholds, closeAfter, ctx.config.silver.readingIntervalMinutes);
    Dataset<Row> passed =
        readingPass
            .combined(
                ReadingPass.ordered(
                    GoldInput.slice(
                        gold,
                        earliest(range.aggregationFrom(), episodeWindow.from()),
                        latest(range.aggregationTo(), episodeWindow.to())),
                    GoldInput.within(range.aggregationFrom(), range.aggregationTo()),
                    GoldInput.within(episodeWindow.from(), episodeWindow.to())),
                ctx.runId)
            .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      return exportPassed(
          ctx, pg, failpoint, gold, goldPath, goldVersion, range, passed);
    } finally {
      passed.unpersist();
    }
  }

  private StageResult exportPassed(
      StageContext ctx,
      PgSettings pg,
      ExportFailpoint failpoint,
      Dataset<Row> gold,
      String goldPath,
      long goldVersion,
      ExportRange range,
      Dataset<Row> passed)
      throws Exception {
    StageLog log = ctx.log;
    SparkSession spark = ctx.spark;
    ThresholdsConfig thresholds = ctx.config.thresholds;
    long outputs =
        log.step("Aggregating gold and numbering alert readings (one pass)", () -> passed.count());
    log.info("  {} output rows and chunks", StageLog.count(outputs));
    Dataset<Row> boundary =
        passed
            .where(col("kind").equalTo(ReadingPass.KIND_BOUNDARY))
            .select(
                Arrays.stream(ReadingPass.BOUNDARY_SCHEMA.fieldNames())
                    .map(org.apache.spark.sql.functions::col)
                    .toArray(Column[]::new));
    Dataset<byte[]> aggregateChunks =
        passed
            .where(col("kind").equalTo(ReadingPass.KIND_CHUNK))
            .select("chunk")
            .as(Encoders.BINARY());

    // The episode search (a few small Spark jobs) and the side inputs (five small Delta tables,
    // independent of the gold version) run on two more driver threads while the aggregates load
    // into PostgreSQL, which keeps the server busy but the driver mostly idle. Started earlier,
    // the side inputs slowed the cold pinning and the pass (bench/RESULTS.md).
    ExportWriter.Summary written;
    try (Background<SideInputs> sideInputs =
            Background.start(spark, "export-side-inputs", () -> SideInputs.read(ctx, range));
        Background<EpisodeSearch.Result> episodes =
            Background.start(
                spark,
                "export-episodes",
                () ->
                    log.step(
                        "Finding alert episodes", () -> findEpisodes(ctx, gold, range, boundary)))) {
      ExportBatch batch =
          new ExportBatch(
              aggregateChunks,
              range.aggregationFrom(),
              range.aggregationTo(),
              () -> {
                SideInputs side = sideInputs.get();
                EpisodeSearch.Result found = episodes.get();
                return new ExportBatch.Rest(
                    side.stations(),
                    side.compressorMetadata(),
                    side.maintenanceEvents(),
                    alertRows(found, thresholds, ctx.runId),
                    found,
                    side.qualityMetrics(),
                    side.pipelineRuns());
              });
      written =
          log.step(
              "Writing PostgreSQL in one transaction",
              () -> new ExportWriter(pg, log, failpoint).write(batch));
    }
    return new StageResult(
        goldPath,
        goldVersion,
        "postgresql://" + pg,
        null,
        written.readings(),
        written.rowsWritten(),
        0);
  }

  private static EpisodeSearch.Result findEpisodes(
      StageContext ctx, Dataset<Row> gold, ExportRange range, Dataset<Row> boundary) {
    EpisodeSearch.Result found =
        new EpisodeSearch(
                gold, ctx.config.thresholds, ctx.config.export.episodeCloseAfterNormal, ctx.log,
                boundary)
            .run(range);
    ctx.log.info(
        "  {} episodes ({} still open), {} pass(es) over gold",
        found.episodes().size(),
        found.episodes().stream().filter(e -> e.endedAt() == null).count(),
        found.passes());
    return found;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null || b == null ? null : a.isBefore(b) ? a : b;
  }

  private static Instant latest(Instant a, Instant b) {
    return a == null || b == null ? null : a.isAfter(b) ? a : b;
  }

  /** {@code alert_history} rows in {@link ExportTables#ALERT_HISTORY} order. */
  static List<Object[]> alertRows(
      EpisodeSearch.Result episodes, ThresholdsConfig thresholds, String runId) {
    List<Object[]> rows = new ArrayList<>();
    for (Episode e : episodes.episodes()) {
      rows.add(
          new Object[] {
            e.compressorId(),
            e.sensor().column,
            e.startedAt(),
            e.endedAt(),
            e.lastAbnormalAt(),
            e.severity(),
            e.peakValue(),
            e.peakAt(),
            e.threshold(thresholds),
            e.abnormalReadings(),
            AlertMessages.describe(e, thresholds),
            false,
            runId
          });
    }
    return rows;
  }
}
