package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.lit;

import com.altaviz.etl.common.Background;
import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.LedgerEntry;
import com.altaviz.etl.common.StageContext;
import com.altaviz.etl.common.StageContext.UpstreamWrite;
import com.altaviz.etl.common.StageJob;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.StageResult;
import com.altaviz.etl.common.VersionProvider;
import com.altaviz.etl.common.config.ThresholdsConfig;
import com.altaviz.etl.common.quality.CheckResult;
import com.altaviz.etl.common.quality.QualityStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalLong;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;

/**
 * The export stage: gold at its pinned version → {@code compressor_health} in PostgreSQL —
 * hourly/4-hourly/daily aggregates, alert episodes, quality metrics, the ledger and the dimensions
 * — migrated by Flyway first and written in one transaction.
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
  static final String STAGE = "export";

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
    return STAGE;
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
    Map<String, CopyEncoder> encoders = readEncoders(pg);
    ExportRange range =
        ExportRange.of(ctx.interval, Duration.ofHours(ctx.config.silver.lookbackHours));
    return export(ctx, pg, failpoint, encoders, range);
  }

  /** The COPY encoders of every table, checked against the migrated database. */
  private static Map<String, CopyEncoder> readEncoders(PgSettings pg) throws SQLException {
    try (Connection c = PgConnections.open(pg)) {
      return CopyEncoder.readAll(c, ExportTables.ALL);
    } catch (SQLException e) {
      throw PgConnections.translate(pg, e, "read the table columns of");
    }
  }

  private StageResult export(
      StageContext ctx,
      PgSettings pg,
      ExportFailpoint failpoint,
      Map<String, CopyEncoder> encoders,
      ExportRange range)
      throws Exception {
    StageLog log = ctx.log;
    SparkSession spark = ctx.spark;
    ThresholdsConfig thresholds = ctx.config.thresholds;
    String goldPath = ctx.lake.goldFeatures();
    long goldVersion = ctx.inputVersion(goldPath, "gold", UpstreamWrite.REPLACE_RANGE);
    log.info("Gold {} at version {}, export range {}", goldPath, goldVersion, range);
    Dataset<Row> gold =
        GoldInput.project(DeltaIo.read(spark, goldPath, OptionalLong.of(goldVersion)), goldPath);

    Dataset<Row> aggregates =
        SensorAggregates.compute(
                GoldInput.slice(gold, range.aggregationFrom(), range.aggregationTo()),
                ctx.config.silver.readingIntervalMinutes)
            .withColumn(ExportTables.RUN_ID, lit(ctx.runId));
    Dataset<byte[]> aggregateChunks =
        csvChunks(aggregates, ExportTables.SENSOR_READINGS_AGG, encoders);

    // The episode search (a few small Spark jobs) and the side inputs (five small Delta tables,
    // independent of the gold version) run on two more driver threads while the aggregates are
    // computed and load into PostgreSQL.
    ExportWriter.Summary written;
    try (Background<SideInputs> sideInputs =
            Background.start(spark, "export-side-inputs", () -> SideInputs.read(ctx, range));
        Background<EpisodeSearch.Result> episodes =
            Background.start(
                spark,
                "export-episodes",
                () -> log.step("Finding alert episodes", () -> findEpisodes(ctx, gold, range)))) {
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
              },
              ctx.runId,
              summary -> {
                LedgerEntry own =
                    ctx.ledgerEntry(
                        LedgerEntry.SUCCESS,
                        null,
                        result(goldPath, goldVersion, pg, summary),
                        Instant.now());
                ctx.publishedSuccess(own);
                return own;
              });
      ExportChecks checks =
          new ExportChecks(
              ctx.config.checks("export"), ctx.runId, ctx.interval.start(), ctx.interval.end());
      try {
        written =
            log.step(
                "Aggregating gold and writing PostgreSQL in one transaction",
                () -> new ExportWriter(pg, log, failpoint, encoders, checks).write(batch));
      } catch (ExportChecks.Failed e) {
        writeCheckResults(ctx, e.results(), Instant.now().truncatedTo(ChronoUnit.MICROS));
        throw e;
      }
    }
    writeCheckResults(ctx, written.checks(), written.checkedAt());
    StageResult result = result(goldPath, goldVersion, pg, written);
    // committed: should the run still fail, its ledger row says what PostgreSQL holds
    ctx.reportPartial(result);
    return result;
  }

  /** The export's check results in ops/quality_metrics (the next export mirrors them too). */
  private static void writeCheckResults(
      StageContext ctx, List<CheckResult> results, Instant computedAt) {
    if (!results.isEmpty()) {
      QualityStore.write(
          ctx.spark,
          ctx.lake.qualityMetrics(),
          results,
          ctx.runId,
          "export",
          ctx.interval,
          computedAt);
    }
  }

  private static StageResult result(
      String goldPath, long goldVersion, PgSettings pg, ExportWriter.Summary written) {
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
   * {@code rows} (exactly the columns of {@code table}) as chunks of whole CSV lines of the table's
   * encoder, encoded by the Spark tasks that compute them.
   */
  static Dataset<byte[]> csvChunks(
      Dataset<Row> rows, PgTable table, Map<String, CopyEncoder> encoders) {
    if (!sameColumns(rows.schema(), table.schema())) {
      throw new IllegalStateException(
          table.name()
              + ": rows "
              + rows.schema().simpleString()
              + " are not the table's "
              + table.schema().simpleString());
    }
    CopyEncoder encoder = encoders.get(table.name());
    return rows.mapPartitions(
        (MapPartitionsFunction<Row, byte[]>)
            it ->
                new Iterator<>() {
                  private final StringBuilder buf = new StringBuilder(CHUNK_CHARS + 4096);

                  @Override
                  public boolean hasNext() {
                    return it.hasNext() || buf.length() > 0;
                  }

                  @Override
                  public byte[] next() {
                    while (it.hasNext() && buf.length() < CHUNK_CHARS) {
                      encoder.appendLine(buf, it.next());
                    }
                    if (buf.length() == 0) {
                      throw new NoSuchElementException();
                    }
                    byte[] chunk = buf.toString().getBytes(StandardCharsets.UTF_8);
                    buf.setLength(0);
                    return chunk;
                  }
                },
        Encoders.BINARY());
  }

  /** Below G1's humongous-object size for a 2 GB heap (half a 1 MiB region). */
  private static final int CHUNK_CHARS = 256 * 1024;

  private static boolean sameColumns(StructType a, StructType b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.fields()[i].name().equals(b.fields()[i].name())
          || !a.fields()[i].dataType().equals(b.fields()[i].dataType())) {
        return false;
      }
    }
    return true;
  }

  private static EpisodeSearch.Result findEpisodes(
      StageContext ctx, Dataset<Row> gold, ExportRange range) {
    EpisodeSearch.Result found =
        new EpisodeSearch(
                gold, ctx.config.thresholds, ctx.config.export.episodeCloseAfterNormal, ctx.log)
            .run(range);
    ctx.log.info(
        "  {} episodes ({} still open), {} pass(es) over gold",
        found.episodes().size(),
        found.episodes().stream().filter(e -> e.endedAt() == null).count(),
        found.passes());
    return found;
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
            Math.toIntExact(e.abnormalReadings()),
            AlertMessages.describe(e, thresholds),
            false,
            runId
          });
    }
    return rows;
  }
}
