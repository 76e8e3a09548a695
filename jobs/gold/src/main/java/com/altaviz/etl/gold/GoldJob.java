package com.altaviz.etl.gold;

import com.altaviz.etl.common.Background;
import com.altaviz.etl.common.DeltaFiles;
import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.StageContext;
import com.altaviz.etl.common.StageJob;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.StageResult;
import com.altaviz.etl.common.VersionProvider;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.SerializableConfiguration;
import picocli.CommandLine.Command;

/**
 * Gold stage: point-in-time rolling ML features from silver into gold/sensor_features,
 * replacing exactly the run's output range (DESIGN §6 Gold).
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
    // Side inputs load on side threads from the start, as they are a cold driver's latency: the
    // two small dimension tables, needed when the features start, and Delta's snapshot of gold,
    // which only the commit needs. The layout check (Kernel, fast) runs first: a table of another
    // layout is refused before any write.
    if (range.wholeDays()) {
      GoldCommit.requireLayout(ctx.spark, goldPath);
    }
    try (Background<Dimensions> sideInputs =
            Background.start(
                ctx.spark,
                "gold-dimensions",
                () -> new Dimensions(compressors(ctx), maintenance(ctx)));
        Background<Boolean> commitPrep =
            Background.start(
                ctx.spark,
                "gold-commit-prep",
                () -> {
                  if (range.wholeDays()) {
                    GoldCommit.prepare(ctx.spark, goldPath);
                  }
                  return true;
                })) {
      long goldBaseline = ctx.outputBaseline(goldPath); // before pinning: requireNoCommitSince
      silverVersion = ctx.inputVersion(silverPath, "silver");
      ctx.log.info(
          "Output {} from silver v{} rows {} (warm-up {}h)",
          range.output(),
          silverVersion,
          range.read(),
          ctx.config.gold.warmupHours);
      JavaRDD<FeaturePass.Readings> partitions =
          ctx.log.step(
              "Reading silver v" + silverVersion + " by compressor",
              () -> silverByCompressor(ctx, silverPath, silverVersion, range));
      Dimensions dims =
          ctx.log.step("Loading compressor metadata and maintenance history", sideInputs::get);
      ctx.log.info(
          "{} compressors in metadata, {} with maintenance events",
          dims.compressors().size(),
          dims.maintenance().compressors());
      FeaturePass features =
          GoldFeatures.pass(
              dims.compressors(),
              dims.maintenance(),
              ctx.config.thresholds,
              range,
              ctx.runId,
              counters);
      version =
          range.wholeDays()
              ? writeFiles(ctx, partitions, features, range, goldPath, goldBaseline, commitPrep)
              : writeRows(ctx, partitions.mapPartitions(features), range, goldPath, goldBaseline);
    }
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
   * Whole date partitions (every scheduled and backfill run): the tasks write the Parquet files
   * themselves and one Delta commit swaps them in (GoldFileWriter says why).
   */
  private static long writeFiles(
      StageContext ctx, JavaRDD<FeaturePass.Readings> silver, FeaturePass features,
      GoldRange range,
      String goldPath, long goldBaseline, Background<Boolean> commitPrep) throws Exception {
    Broadcast<SerializableConfiguration> conf =
        JavaSparkContext.fromSparkContext(ctx.spark.sparkContext())
            .broadcast(new SerializableConfiguration(ctx.spark.sessionState().newHadoopConf()));
    List<GoldFileWriter.File> files =
        ctx.log.step(
            "Computing features and writing Parquet files under " + goldPath,
            () -> silver.mapPartitions(new GoldFileWriter(features, goldPath, conf)).collect());
    commitPrep.get();
    ctx.requireNoCommitSince(goldPath, goldBaseline);
    return ctx.log.step(
        "Committing " + files.size() + " files to " + goldPath,
        () ->
            GoldCommit.replace(ctx.spark, goldPath, files, range, ctx.runId));
  }

  /**
   * A range that cuts through a day (hourly --start/--end): Delta's replaceWhere rewrites the
   * cut partitions keeping their rows outside the range, which plain file swaps cannot.
   */
  private static long writeRows(
      StageContext ctx, JavaRDD<InternalRow> rows, GoldRange range, String goldPath,
      long goldBaseline) throws Exception {
    GoldSettings.apply(ctx.spark);
    Dataset<Row> gold = GoldFeatures.asDataFrame(rows);
    ctx.requireNoCommitSince(goldPath, goldBaseline);
    return ctx.log.step(
        "Computing features and writing " + goldPath,
        () -> DeltaIo.replaceWhere(gold, goldPath, range.replacePredicate(), ctx.runId, "date"));
  }

  /**
   * Silver's readings in the read range, every compressor's in one partition: read group by
   * group when its files allow (SilverGroups, SilverScan), else shuffled by compressor; through
   * its files when the table allows (DeltaFiles says why), else through Delta's reader.
   */
  private static JavaRDD<FeaturePass.Readings> silverByCompressor(
      StageContext ctx, String path, long version, GoldRange range) {
    Optional<DeltaFiles.DataFiles> files =
        DeltaFiles.list(ctx.spark, path, OptionalLong.of(version), range::readsPartition);
    if (files.isEmpty()) {
      ctx.log.info("Silver needs Delta's reader (reader features): shuffling it by compressor");
      return GoldFeatures.byCompressor(
          DeltaIo.read(ctx.spark, path, OptionalLong.of(version)).where(range.readFilter()));
    }
    DeltaFiles.DataFiles silver = files.get();
    Optional<SilverScan> scan = SilverScan.of(ctx.spark, silver.schema(), range);
    SilverGroups.Grouping grouping =
        scan.isEmpty()
            ? SilverGroups.Grouping.shuffle("silver's columns need casts")
            : SilverGroups.of(
                ctx.spark.sessionState().newHadoopConf(),
                silver.paths(),
                silver.sizes(),
                ctx.spark.sparkContext().defaultParallelism(),
                maxGroupBytes(ctx.spark.sparkContext()));
    if (grouping.groups().isPresent()) {
      List<List<SilverScan.SilverFile>> groups = grouping.groups().get();
      ctx.log.info(
          "{} silver files in {} groups with no compressor in two: one task each, no shuffle",
          silver.paths().size(),
          groups.size());
      return GoldFeatures.byGroup(scan.get(), groups);
    }
    ctx.log.info("Shuffling silver by compressor: {}", grouping.reason());
    // Spark sizes read splits as the input bytes over the cores, capped at 128 MB. Silver's
    // files are one row group each (not splittable), and at 4,500 x 7 the cap made three splits
    // for two cores, the third running alone: lifting it makes one per core (map stage 2.7 s
    // instead of 3.2-3.6 s; bench/RESULTS.md).
    ctx.spark.conf().set("spark.sql.files.maxPartitionBytes", String.valueOf(1L << 30));
    return GoldFeatures.byCompressor(silver.read(ctx.spark).where(range.readTimestamps()));
  }

  /**
   * Silver bytes one task may read as one group: a quarter of an executor's heap over its
   * concurrent tasks. A task buffers its readings at about 1.2 bytes of heap per byte of silver
   * read, twice that while its arrays grow; at 4,500 x 7 two 135 MB groups ran in a 2 GB heap
   * with 0.24 s of GC each (bench/RESULTS.md).
   */
  static long maxGroupBytes(SparkContext sc) {
    if (sc.isLocal()) {
      return Runtime.getRuntime().maxMemory() / 4 / sc.defaultParallelism();
    }
    // without spark.executor.cores (standalone), an executor takes its worker's cores: the
    // registered cores over the executors (the driver is in that list too)
    int executors = Math.max(1, sc.getExecutorMemoryStatus().size() - 1);
    int perExecutor = Math.max(1, sc.defaultParallelism() / executors);
    int cores = sc.getConf().getInt("spark.executor.cores", perExecutor);
    int tasks = Math.max(1, cores / sc.getConf().getInt("spark.task.cpus", 1));
    return ((long) sc.executorMemory() << 20) / 4 / tasks; // executorMemory is in MB
  }

  /**
   * bronze/compressor_metadata at its latest version, read on the driver by Delta Kernel when
   * the table allows (DeltaFiles.collect says why), else through Delta's reader.
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
