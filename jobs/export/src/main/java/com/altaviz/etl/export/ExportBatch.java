package com.altaviz.etl.export;

import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;

/**
 * Everything one export run writes, still lazy where it is a Spark plan: the writer streams each
 * plan into its staging table inside the transaction.
 *
 * @param stations dimension rows in {@link ExportTables#STATIONS} column order (likewise the other
 *     two dimensions)
 * @param aggregateChunks {@code sensor_readings_agg} rows as binary COPY tuples (see {@link
 *     ReadingPass}), fetched one partition at a time
 * @param aggregationFrom start of the aggregate buckets this run recomputed (null: derive from the
 *     rows, single-batch mode)
 * @param alertRows {@code alert_history} rows in {@link ExportTables#ALERT_HISTORY} column order
 * @param qualityMetrics empty when {@code ops/quality_metrics} does not exist yet (likewise the
 *     ledger mirror)
 */
public record ExportBatch(
    List<Object[]> stations,
    List<Object[]> compressorMetadata,
    List<Object[]> maintenanceEvents,
    Dataset<byte[]> aggregateChunks,
    Instant aggregationFrom,
    Instant aggregationTo,
    List<Object[]> alertRows,
    EpisodeSearch.Result episodes,
    List<Object[]> qualityMetrics,
    List<Object[]> pipelineRuns) {}
