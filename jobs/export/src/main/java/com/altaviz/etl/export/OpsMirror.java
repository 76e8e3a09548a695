package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import com.altaviz.etl.common.LedgerEntry;
import com.altaviz.etl.common.RunLedger;
import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.quality.CheckResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * Rows of the lake's ops tables that an export run mirrors into PostgreSQL: those of its own run id
 * and those whose interval overlaps the export range (all of them in single-batch mode, and always
 * the rows of single-batch runs, whose interval is null). A retried stage run may have written a
 * key twice; the latest row wins.
 */
public final class OpsMirror {
  private OpsMirror() {}

  public static Dataset<Row> qualityMetrics(Dataset<Row> metrics, String runId, ExportRange range) {
    metrics = withCheckColumns(metrics);
    InputColumns.require(
        metrics.columns(),
        ExportTables.DATA_QUALITY_METRICS.columns(),
        "ops/quality_metrics",
        "ops/quality_metrics contract, Schemas.QUALITY_METRICS");
    return latest(
        relevant(metrics, runId, range),
        ExportTables.DATA_QUALITY_METRICS,
        Schemas.QUALITY_METRICS,
        "computed_at");
  }

  /**
   * A table written before the check suite lacks its columns until a stage writes to it again: they
   * read as null, and scope as "*" (a fleet-wide result), since it is part of the key.
   */
  static Dataset<Row> withCheckColumns(Dataset<Row> metrics) {
    List<String> have = List.of(metrics.columns());
    StructType contract = Schemas.QUALITY_METRICS;
    for (int i = Schemas.QUALITY_METRICS_BASE_COLUMNS; i < contract.size(); i++) {
      var f = contract.fields()[i];
      if (!have.contains(f.name())) {
        metrics = metrics.withColumn(f.name(), lit(null).cast(f.dataType()));
      }
    }
    return metrics.withColumn("scope", coalesce(col("scope"), lit(CheckResult.ALL)));
  }

  public static Dataset<Row> pipelineRuns(Dataset<Row> ledger, String runId, ExportRange range) {
    InputColumns.require(
        ledger.columns(),
        ExportTables.PIPELINE_RUNS.columns(),
        "ops/pipeline_runs",
        "run ledger contract, RunLedger.SCHEMA");
    return latest(
        relevant(ledger, runId, range),
        ExportTables.PIPELINE_RUNS,
        RunLedger.SCHEMA,
        "finished_at");
  }

  /** {@code e} as a row of {@link ExportTables#PIPELINE_RUNS}, as the ledger stores it. */
  public static Object[] pipelineRun(LedgerEntry e) {
    Map<String, Object> v = new HashMap<>();
    v.put("run_id", e.runId());
    v.put("stage", e.stage());
    v.put("started_at", e.startedAt());
    v.put("interval_start", e.intervalStart());
    v.put("interval_end", e.intervalEnd());
    v.put("input_table", e.inputTable());
    v.put("input_version", e.inputVersion());
    v.put("output_table", e.outputTable());
    v.put("output_version", e.outputVersion());
    v.put("rows_in", e.rowsIn());
    v.put("rows_out", e.rowsOut());
    v.put("rows_quarantined", e.rowsQuarantined());
    v.put("status", e.status());
    v.put("message", e.message());
    v.put("finished_at", e.finishedAt());
    v.put("duration_ms", e.durationMs());
    v.put("spark_app_id", e.sparkApplicationId());
    List<String> columns = ExportTables.PIPELINE_RUNS.columns();
    if (!v.keySet().equals(Set.copyOf(columns))) {
      throw new IllegalStateException(
          "pipeline_runs columns " + columns + " are not " + v.keySet());
    }
    return columns.stream().map(v::get).toArray();
  }

  static Dataset<Row> relevant(Dataset<Row> df, String runId, ExportRange range) {
    if (range.isAll()) {
      return df;
    }
    Column overlaps =
        coalesce(col("interval_start").lt(lit(range.to())), lit(true))
            .and(coalesce(col("interval_end").gt(lit(range.from())), lit(true)));
    return df.where(col("run_id").equalTo(runId).or(overlaps));
  }

  /** Newest row per key, in the table's columns, typed as the lake contract says. */
  private static Dataset<Row> latest(
      Dataset<Row> df, PgTable table, StructType contract, String newest) {
    Column[] key = table.key().stream().map(c -> col(c)).toArray(Column[]::new);
    Column[] out =
        table.columns().stream()
            .map(c -> col(c).cast(contract.apply(c).dataType()).as(c))
            .toArray(Column[]::new);
    return df.withColumn(
            "_rank", row_number().over(Window.partitionBy(key).orderBy(col(newest).desc())))
        .where(col("_rank").equalTo(1))
        .select(out);
  }
}
