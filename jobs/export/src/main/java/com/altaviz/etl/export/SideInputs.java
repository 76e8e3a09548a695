package com.altaviz.etl.export;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.StageContext;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BiFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The small inputs of an export run that do not depend on the pinned gold version — the three
 * dimensions and the ops mirrors — as rows in their tables' column order. Each is a Delta table
 * whose snapshot loading is mostly driver latency, so they are read on a {@link
 * com.altaviz.etl.common.Background} thread while the aggregates load into PostgreSQL.
 *
 * @param qualityMetrics empty when {@code ops/quality_metrics} does not exist yet
 */
record SideInputs(
    List<Object[]> stations,
    List<Object[]> compressorMetadata,
    List<Object[]> maintenanceEvents,
    List<Object[]> qualityMetrics,
    List<Object[]> pipelineRuns) {

  static SideInputs read(StageContext ctx, ExportRange range) {
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
    List<Object[]> metrics = List.of();
    if (DeltaIo.exists(ctx.spark, ctx.lake.qualityMetrics())) {
      metrics =
          rows(
              OpsMirror.qualityMetrics(
                  DeltaIo.read(ctx.spark, ctx.lake.qualityMetrics(), OptionalLong.empty()),
                  ctx.runId,
                  range));
    } else {
      ctx.log.info(
          "  {} does not exist yet: no quality metrics to mirror", ctx.lake.qualityMetrics());
    }
    List<Object[]> runs = List.of();
    if (DeltaIo.exists(ctx.spark, ctx.lake.pipelineRuns())) {
      runs = rows(OpsMirror.pipelineRuns(ctx.ledger.entries(), ctx.runId, range));
    }
    return new SideInputs(stations, compressors, maintenance, metrics, runs);
  }

  private static List<Object[]> rows(Dataset<Row> df) {
    List<Object[]> out = new ArrayList<>();
    for (Row r : df.collectAsList()) {
      Object[] v = new Object[r.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.get(i);
      }
      out.add(v);
    }
    return out;
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
}
