package com.altaviz.etl.common;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The run ledger {@code ops/pipeline_runs}: one appended row per stage run (DESIGN §5). */
public final class RunLedger {
  public static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("stage", DataTypes.StringType, false)
          .add("interval_start", DataTypes.TimestampType)
          .add("interval_end", DataTypes.TimestampType)
          .add("input_table", DataTypes.StringType)
          .add("input_version", DataTypes.LongType)
          .add("output_table", DataTypes.StringType)
          .add("output_version", DataTypes.LongType)
          .add("rows_in", DataTypes.LongType, false)
          .add("rows_out", DataTypes.LongType, false)
          .add("rows_quarantined", DataTypes.LongType, false)
          .add("status", DataTypes.StringType, false)
          .add("message", DataTypes.StringType)
          .add("started_at", DataTypes.TimestampType, false)
          .add("finished_at", DataTypes.TimestampType, false)
          .add("duration_ms", DataTypes.LongType, false)
          .add("spark_app_id", DataTypes.StringType);

  private final SparkSession spark;
  private final String path;

  public RunLedger(SparkSession spark, LakePaths lake) {
    this.spark = spark;
    this.path = lake.pipelineRuns();
  }

  public void record(LedgerEntry e) {
    Row row =
        RowFactory.create(
            e.runId(),
            e.stage(),
            ts(e.intervalStart()),
            ts(e.intervalEnd()),
            e.inputTable(),
            e.inputVersion(),
            e.outputTable(),
            e.outputVersion(),
            e.rowsIn(),
            e.rowsOut(),
            e.rowsQuarantined(),
            e.status(),
            e.message(),
            ts(e.startedAt()),
            ts(e.finishedAt()),
            e.finishedAt().toEpochMilli() - e.startedAt().toEpochMilli(),
            e.sparkApplicationId());
    DeltaIo.append(spark.createDataFrame(List.of(row), SCHEMA).coalesce(1), path, e.runId());
  }

  /**
   * The output version that {@code stage} last committed successfully for {@code runId}: how a
   * downstream stage pins its input to exactly what its upstream produced in the same run.
   */
  public OptionalLong outputVersion(String runId, String stage) {
    if (!DeltaIo.exists(spark, path)) {
      return OptionalLong.empty();
    }
    Row[] rows = (Row[])
        entries()
            .where(
                functions.col("run_id").equalTo(runId)
                    .and(functions.col("stage").equalTo(stage))
                    .and(functions.col("status").equalTo(LedgerEntry.SUCCESS))
                    .and(functions.col("output_version").isNotNull()))
            .orderBy(functions.col("finished_at").desc())
            .select("output_version")
            .head(1);
    return rows.length == 0 ? OptionalLong.empty() : OptionalLong.of(rows[0].getLong(0));
  }

  /**
   * The newest input version read by a successful run of {@code stage} whose written range
   * {@code [interval_start − lookback, interval_end)} overlaps {@code written}: a run that must
   * not read older input than that, or its replaceWhere would roll back rows the other run added
   * (late arrivals a newer bronze version brought).
   */
  public OptionalLong newestInputRead(String stage, Interval written, Duration lookback) {
    if (!DeltaIo.exists(spark, path)) {
      return OptionalLong.empty();
    }
    Column overlaps = functions.lit(true);
    if (!written.isAll()) {
      // a row with no interval (single-batch mode) wrote everything and overlaps any range
      overlaps = col("interval_start").isNull()
          .or(col("interval_start").lt(functions.lit(Timestamp.from(written.end().plus(lookback))))
              .and(col("interval_end").gt(functions.lit(Timestamp.from(written.start())))));
    }
    Row r = entries()
        .where(col("stage").equalTo(stage)
            .and(col("status").equalTo(LedgerEntry.SUCCESS))
            .and(col("input_version").isNotNull())
            .and(overlaps))
        .agg(functions.max("input_version"))
        .first();
    return r.isNullAt(0) ? OptionalLong.empty() : OptionalLong.of(r.getLong(0));
  }

  public Dataset<Row> entries() {
    return spark.read().format("delta").load(path);
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
