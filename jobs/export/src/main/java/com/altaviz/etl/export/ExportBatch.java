package com.altaviz.etl.export;

import com.altaviz.etl.common.LedgerEntry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;

/**
 * Everything one export run writes. The aggregates come first and still lazy (a Spark plan the
 * writer streams into PostgreSQL inside the transaction); the rest may still be computing on other
 * driver threads while the aggregates load, and is waited for after them.
 *
 * @param aggregateChunks {@code sensor_readings_agg} rows as chunks of whole CSV lines of the
 *     table's {@link CopyEncoder}, fetched one partition at a time
 * @param aggregationFrom start of the aggregate buckets this run recomputed (null: derive from the
 *     rows, single-batch mode)
 * @param rest the other tables' rows, waited for once the aggregates are written
 * @param ownRunId the run id of this export
 * @param ownRun this export's own {@code pipeline_runs} row as of a successful end, given what the
 *     transaction writes (its own row included)
 */
public record ExportBatch(
    Dataset<byte[]> aggregateChunks,
    Instant aggregationFrom,
    Instant aggregationTo,
    Callable<Rest> rest,
    String ownRunId,
    Function<ExportWriter.Summary, LedgerEntry> ownRun) {

  /**
   * @param stations dimension rows in {@link ExportTables#STATIONS} column order (likewise the
   *     other two dimensions)
   * @param alertRows {@code alert_history} rows in {@link ExportTables#ALERT_HISTORY} column order
   * @param qualityMetrics empty when {@code ops/quality_metrics} does not exist yet (likewise the
   *     ledger mirror)
   */
  public record Rest(
      List<Object[]> stations,
      List<Object[]> compressorMetadata,
      List<Object[]> maintenanceEvents,
      List<Object[]> alertRows,
      EpisodeSearch.Result episodes,
      List<Object[]> qualityMetrics,
      List<Object[]> pipelineRuns) {}
}
