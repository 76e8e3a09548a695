package com.altaviz.etl.common;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The run ledger {@code ops/pipeline_runs}: one appended row per stage run. */
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
            e.durationMs(),
            e.sparkApplicationId());
    DeltaIo.append(spark.createDataFrame(List.of(row), SCHEMA).coalesce(1), path, e.runId());
  }

  /** A successful run of one stage, as pinning reads it. */
  private record Success(
      String runId,
      String stage,
      Instant intervalStart,
      Instant intervalEnd,
      Long inputVersion,
      Long outputVersion,
      long rowsOut,
      Instant finishedAt) {}

  /**
   * The successful upstream run whose output a downstream stage pins: what it says it wrote, {@code
   * rowsOut} rows at {@code outputVersion}, for the interval {@code [intervalStart, intervalEnd)}
   * (both null: single-batch mode).
   */
  public record Upstream(
      String runId, Instant intervalStart, Instant intervalEnd, long outputVersion, long rowsOut) {
    public Interval interval() {
      return new Interval(intervalStart, intervalEnd);
    }
  }

  /** What pinning an input needs from the ledger (see {@link StageContext#inputVersion}). */
  public record Pins(Optional<Upstream> upstream, OptionalLong newestInputRead) {
    public OptionalLong upstreamOutput() {
      return upstream.map(u -> OptionalLong.of(u.outputVersion())).orElse(OptionalLong.empty());
    }
  }

  /**
   * {@link #outputVersion} of {@code upstreamStage} for {@code runId} and {@link #newestInputRead}
   * of {@code stage}, from one read of the ledger: each Delta query costs a cold driver about a
   * second.
   */
  public Pins pins(
      String runId, String upstreamStage, String stage, Interval written, Duration lookback) {
    List<Success> rows = successes(upstreamStage, stage);
    return new Pins(
        upstream(rows, runId, upstreamStage), newestInputRead(rows, stage, written, lookback));
  }

  /**
   * The output version that {@code stage} last committed successfully for {@code runId}: how a
   * downstream stage pins its input to exactly what its upstream produced in the same run.
   */
  public OptionalLong outputVersion(String runId, String stage) {
    return outputVersion(successes(stage), runId, stage);
  }

  /**
   * The newest input version read by a successful run of {@code stage} whose written range {@code
   * [interval_start − lookback, interval_end)} overlaps {@code written}: a run that must not read
   * older input than that, or its replaceWhere would roll back rows the other run added (late
   * arrivals a newer bronze version brought).
   */
  public OptionalLong newestInputRead(String stage, Interval written, Duration lookback) {
    return newestInputRead(successes(stage), stage, written, lookback);
  }

  private static OptionalLong outputVersion(List<Success> rows, String runId, String stage) {
    return upstream(rows, runId, stage)
        .map(u -> OptionalLong.of(u.outputVersion()))
        .orElse(OptionalLong.empty());
  }

  private static Optional<Upstream> upstream(List<Success> rows, String runId, String stage) {
    return rows.stream()
        .filter(r -> r.stage.equals(stage) && r.runId.equals(runId) && r.outputVersion != null)
        .max(Comparator.comparing(Success::finishedAt))
        .map(
            r -> new Upstream(r.runId, r.intervalStart, r.intervalEnd, r.outputVersion, r.rowsOut));
  }

  private static OptionalLong newestInputRead(
      List<Success> rows, String stage, Interval written, Duration lookback) {
    return rows.stream()
        .filter(r -> r.stage.equals(stage) && r.inputVersion != null)
        // a row with no interval (single-batch mode) wrote everything and overlaps any range
        .filter(
            r ->
                written.isAll()
                    || r.intervalStart == null
                    || (r.intervalEnd != null
                        && r.intervalStart.isBefore(written.end().plus(lookback))
                        && r.intervalEnd.isAfter(written.start())))
        .mapToLong(Success::inputVersion)
        .max();
  }

  private List<Success> successes(String... stages) {
    // read on the driver by Delta Kernel (DeltaFiles.collect): Delta's reader would replay the
    // log and plan the read with Spark jobs, a fixed cost of every incremental run in a cold
    // driver (bench/RESULTS.md)
    List<String> wanted = List.of(stages);
    Optional<List<Object[]>> rows =
        DeltaFiles.collect(
            spark,
            path,
            List.of(
                "status",
                "stage",
                "run_id",
                "interval_start",
                "interval_end",
                "input_version",
                "output_version",
                "finished_at",
                "rows_out"));
    if (rows.isPresent()) {
      return rows.get().stream()
          .filter(r -> LedgerEntry.SUCCESS.equals(r[0]) && wanted.contains((String) r[1]))
          .map(
              r ->
                  new Success(
                      (String) r[2],
                      (String) r[1],
                      (Instant) r[3],
                      (Instant) r[4],
                      (Long) r[5],
                      (Long) r[6],
                      (Long) r[8],
                      (Instant) r[7]))
          .toList();
    }
    if (!DeltaIo.exists(spark, path)) {
      return List.of();
    }
    List<Success> out = new ArrayList<>();
    for (Row r :
        entries()
            .where(col("status").equalTo(LedgerEntry.SUCCESS))
            .where(col("stage").isin(wanted.toArray()))
            .select(
                "run_id",
                "stage",
                "interval_start",
                "interval_end",
                "input_version",
                "output_version",
                "finished_at",
                "rows_out")
            .collectAsList()) {
      out.add(
          new Success(
              r.getString(0),
              r.getString(1),
              instant(r.getTimestamp(2)),
              instant(r.getTimestamp(3)),
              r.isNullAt(4) ? null : r.getLong(4),
              r.isNullAt(5) ? null : r.getLong(5),
              r.getLong(7),
              instant(r.getTimestamp(6))));
    }
    return out;
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  public Dataset<Row> entries() {
    return spark.read().format("delta").load(path);
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
