package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.lit;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.StageContext;
import com.altaviz.etl.common.StageJob;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.StageResult;
import com.altaviz.etl.common.VersionProvider;
import com.altaviz.etl.common.config.ThresholdsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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

    SparkSession spark = ctx.spark;
    String goldPath = ctx.lake.goldFeatures();
    long goldVersion = ctx.inputVersion(goldPath, "gold");
    ExportRange range =
        ExportRange.of(ctx.interval, Duration.ofHours(ctx.config.silver.lookbackHours));
    log.info("Gold {} at version {}, export range {}", goldPath, goldVersion, range);
    Dataset<Row> gold =
        GoldInput.project(DeltaIo.read(spark, goldPath, OptionalLong.of(goldVersion)), goldPath);

    Dataset<Row> aggregates =
        SensorAggregates.compute(
                GoldInput.slice(gold, range.aggregationFrom(), range.aggregationTo()),
                ctx.config.silver.readingIntervalMinutes)
            .withColumn(ExportTables.RUN_ID, lit(ctx.runId));

    ThresholdsConfig thresholds = ctx.config.thresholds;
    int closeAfter = ctx.config.export.episodeCloseAfterNormal;
    EpisodeSearch.Result episodes =
        log.step(
            "Finding alert episodes",
            () -> new EpisodeSearch(gold, thresholds, closeAfter, log).run(range));
    long open = episodes.episodes().stream().filter(e -> e.endedAt() == null).count();
    log.info(
        "  {} episodes ({} still open), {} pass(es) over gold",
        episodes.episodes().size(),
        open,
        episodes.passes());

    List<Object[]> stations =
        dimension(ctx, ctx.lake.bronzeStations(), ExportTables.STATIONS, Dimensions::stations);
    List<Object[]> compressors =
        dimension(
            ctx,
            ctx.lake.bronzeMetadata(),
            ExportTables.COMPRESSOR_METADATA,
            Dimensions::compressorMetadata);
    List<Object[]> maintenance =
        dimension(
            ctx,
            ctx.lake.bronzeMaintenance(),
            ExportTables.MAINTENANCE_EVENTS,
            Dimensions::maintenanceEvents);

    Dataset<Row> metrics = null;
    if (DeltaIo.exists(spark, ctx.lake.qualityMetrics())) {
      metrics =
          OpsMirror.qualityMetrics(
              DeltaIo.read(spark, ctx.lake.qualityMetrics(), OptionalLong.empty()),
              ctx.runId,
              range);
    } else {
      log.info("  {} does not exist yet: no quality metrics to mirror", ctx.lake.qualityMetrics());
    }
    Dataset<Row> runs = null;
    if (DeltaIo.exists(spark, ctx.lake.pipelineRuns())) {
      runs = OpsMirror.pipelineRuns(ctx.ledger.entries(), ctx.runId, range);
    }

    ExportBatch batch =
        new ExportBatch(
            stations,
            compressors,
            maintenance,
            aggregates,
            range.aggregationFrom(),
            range.aggregationTo(),
            alertRows(episodes, thresholds, ctx.runId),
            episodes,
            metrics,
            runs);
    ExportWriter.Summary written =
        log.step(
            "Writing PostgreSQL in one transaction",
            () -> new ExportWriter(pg, log, failpoint).write(batch));
    return new StageResult(
        goldPath,
        goldVersion,
        "postgresql://" + pg,
        null,
        written.readings(),
        written.rowsWritten(),
        0);
  }

  /**
   * A bronze dimension table (latest version; bronze replaces it whole) as upsert rows, collected
   * in one job: dimensions are small (thousands of rows at 4,500 compressors). Rows without a key
   * cannot be upserted; they are counted and reported.
   */
  private static List<Object[]> dimension(
      StageContext ctx,
      String path,
      PgTable table,
      BiFunction<Dataset<Row>, String, Dataset<Row>> f) {
    Dataset<Row> latest = f.apply(DeltaIo.read(ctx.spark, path, OptionalLong.empty()), ctx.runId);
    String key = table.key().get(0);
    int width = table.columns().size();
    List<Object[]> rows = new ArrayList<>();
    for (Row r : latest.collectAsList()) {
      if (r.isNullAt(r.fieldIndex(key))) {
        ctx.log.warn(
            "  {}: {} rows without {} cannot be exported",
            path,
            r.getLong(r.fieldIndex(Dimensions.ROWS)),
            key);
        continue;
      }
      Object[] v = new Object[width];
      for (int i = 0; i < width; i++) {
        v[i] = r.get(i);
      }
      rows.add(v);
    }
    return rows;
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
