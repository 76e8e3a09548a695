package com.altaviz.etl.gold;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.StageContext;
import com.altaviz.etl.common.StageJob;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.StageResult;
import com.altaviz.etl.common.VersionProvider;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
    GoldSettings.apply(ctx.spark);
    GoldRange range =
        GoldRange.of(ctx.interval, ctx.config.silver.lookbackHours, ctx.config.gold.warmupHours);
    String silverPath = ctx.lake.silverReadings();
    String goldPath = ctx.lake.goldFeatures();
    long silverVersion = ctx.inputVersion(silverPath, "silver");
    ctx.log.info(
        "Output {} from silver v{} rows {} (warm-up {}h)",
        range.output(),
        silverVersion,
        range.read(),
        ctx.config.gold.warmupHours);

    GoldFeatures.Counters counters = GoldFeatures.Counters.register(ctx.spark);
    Dataset<Row> gold =
        ctx.log.step(
            "Reading silver and dimensions, shuffling by compressor",
            () -> {
              Dataset<Row> silver =
                  DeltaIo.read(ctx.spark, silverPath, OptionalLong.of(silverVersion))
                      .where(range.readFilter());
              Dataset<Row> metadata =
                  DeltaIo.read(ctx.spark, ctx.lake.bronzeMetadata(), OptionalLong.empty());
              Dataset<Row> maintenance =
                  DeltaIo.read(ctx.spark, ctx.lake.bronzeMaintenance(), OptionalLong.empty());
              return GoldFeatures.compute(
                  silver,
                  metadata,
                  maintenance,
                  ctx.config.thresholds,
                  range,
                  ctx.runId,
                  counters);
            });
    long version =
        ctx.log.step(
            "Computing features and writing " + goldPath,
            () ->
                DeltaIo.replaceWhere(
                    gold, goldPath, range.replacePredicate(), ctx.runId, "date"));
    long rowsIn = counters.rowsIn().value();
    long rowsOut = counters.rowsOut().value();
    ctx.log.info(
        "Gold: {} silver rows read (incl. warm-up), {} feature rows written, {} columns, v{}",
        StageLog.count(rowsIn),
        StageLog.count(rowsOut),
        GoldSchema.OUTPUT.size(),
        version);
    ctx.log.info(
        "Gold processing (session ready -> Delta commit): {}",
        StageLog.seconds(System.nanoTime() - t0));
    return new StageResult(silverPath, silverVersion, goldPath, version, rowsIn, rowsOut, 0);
  }
}
