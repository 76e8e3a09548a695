package com.altaviz.etl.maintenance;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.LakePaths;
import com.altaviz.etl.common.StageContext;
import com.altaviz.etl.common.StageJob;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.StageResult;
import com.altaviz.etl.common.VersionProvider;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Weekly lake maintenance: OPTIMIZE every lake table (Z-ordered by compressor_id where it has that
 * column), then VACUUM files older than the retention. One ledger row; its rows_in/rows_out are the
 * lake's row counts before/after (equal: maintenance rewrites files, never rows; schedule it away
 * from pipeline runs).
 */
@Command(
    name = "altaviz-maintenance",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "OPTIMIZE (Z-order by compressor_id) and VACUUM the Delta lake tables.")
public class MaintenanceJob extends StageJob {
  /** The fleet dashboard and ML reads filter by compressor: cluster the files by it. */
  static final String Z_ORDER_COLUMN = "compressor_id";

  /** Delta's own default for delta.deletedFileRetentionDuration (7 days). */
  static final long DELTA_MIN_RETENTION_HOURS = 168;

  private static final String RETENTION_CHECK =
      "spark.databricks.delta.retentionDurationCheck.enabled";
  private static final String COMMIT_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  @Option(
      names = "--retention-hours",
      defaultValue = "168",
      description =
          "VACUUM deletes files unreferenced for longer than this (default: ${DEFAULT-VALUE}). "
              + "Time travel (--input-version replays) only reaches back this far.")
  long retentionHours;

  public static void main(String[] args) {
    JobLauncher.main(new MaintenanceJob(), args);
  }

  @Override
  protected String stage() {
    return "maintenance";
  }

  @Override
  protected String title() {
    return "LAKE MAINTENANCE: OPTIMIZE + Z-ORDER + VACUUM";
  }

  /** Every table of the lake layout ({@link LakePaths}), in pipeline order. */
  static List<String> lakeTables(LakePaths lake) {
    return List.of(
        lake.bronzeReadings(),
        lake.bronzeMetadata(),
        lake.bronzeMaintenance(),
        lake.bronzeStations(),
        lake.silverReadings(),
        lake.quarantine(),
        lake.goldFeatures(),
        lake.pipelineRuns(),
        lake.qualityMetrics());
  }

  @Override
  protected StageResult execute(StageContext ctx) throws Exception {
    SparkSession spark = ctx.spark;
    checkRetention(spark);
    // VACUUM lists the table directory as a Spark job with this many tasks (default 10000):
    // minutes of empty tasks on a small cluster. Size it like the rest of the job instead.
    spark
        .conf()
        .set(
            "spark.sql.sources.parallelPartitionDiscovery.parallelism",
            String.valueOf(ctx.config.spark.shufflePartitions));
    List<TableReport> reports = new ArrayList<>();
    // OPTIMIZE commits carry the run id like every other commit of the pipeline (userMetadata).
    spark.conf().set(COMMIT_METADATA, ctx.runId);
    try {
      for (String path : lakeTables(ctx.lake)) {
        if (!DeltaIo.exists(spark, path)) {
          ctx.log.info("{}: no table yet, skipped", path);
          continue;
        }
        reports.add(ctx.log.step("Maintaining " + path, () -> maintain(spark, path)));
      }
    } finally {
      spark.conf().unset(COMMIT_METADATA);
    }
    long rowsBefore = 0;
    long rowsAfter = 0;
    for (TableReport r : reports) {
      ctx.log.info(
          "{}: files {} -> {} (z-order: {}), vacuumed {}, rows {}, version {}",
          r.table(),
          r.activeFilesBefore(),
          r.activeFilesAfter(),
          r.zOrderColumn() == null ? "none" : r.zOrderColumn(),
          r.filesVacuumed(),
          StageLog.count(r.rowsAfter()),
          r.version());
      rowsBefore += r.rowsBefore();
      rowsAfter += r.rowsAfter();
    }
    return new StageResult(ctx.lake.root(), null, ctx.lake.root(), null, rowsBefore, rowsAfter, 0);
  }

  private TableReport maintain(SparkSession spark, String path) throws Exception {
    long rowsBefore = TableMaintenance.rows(spark, path);
    long filesBefore = TableMaintenance.activeFiles(spark, path);
    String zOrdered = TableMaintenance.optimize(spark, path, Z_ORDER_COLUMN);
    long storedBefore = TableMaintenance.filesInStorage(spark, path);
    TableMaintenance.vacuum(spark, path, retentionHours);
    return new TableReport(
        path,
        zOrdered,
        filesBefore,
        TableMaintenance.activeFiles(spark, path),
        storedBefore - TableMaintenance.filesInStorage(spark, path),
        rowsBefore,
        TableMaintenance.rows(spark, path),
        TableMaintenance.version(spark, path));
  }

  /**
   * Fails fast, before any table is touched, on a retention Delta would refuse half-way: shorter
   * retentions can break readers still on older versions, so Delta only allows them with its safety
   * check switched off explicitly.
   */
  void checkRetention(SparkSession spark) {
    if (retentionHours < 0) {
      throw EtlException.usage("--retention-hours must be >= 0, got " + retentionHours);
    }
    boolean checked = Boolean.parseBoolean(spark.conf().get(RETENTION_CHECK, "true"));
    if (retentionHours < DELTA_MIN_RETENTION_HOURS && checked) {
      throw EtlException.usage(
          "--retention-hours "
              + retentionHours
              + " is below Delta's safety minimum of "
              + DELTA_MIN_RETENTION_HOURS
              + " h; pass --conf "
              + RETENTION_CHECK
              + "=false to spark-submit to force it");
    }
  }
}
