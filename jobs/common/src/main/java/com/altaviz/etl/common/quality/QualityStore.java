package com.altaviz.etl.common.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * ops/quality_metrics as the metrics repository of the check suite: writes a stage run's results
 * (replacing that run's rows of the stage) and reads metric history BY INTERVAL — never by wall
 * clock — so a rerun or backfill of day D is judged against the days before D
 * (docs/quality-and-features.md, "Anomaly detection").
 */
public final class QualityStore {
  private QualityStore() {}

  /** History key: metric, column and scope. */
  public record Series(String metric, String column, String scope) {}

  /** Results as rows of {@link Schemas#QUALITY_METRICS}. */
  public static Dataset<Row> toRows(
      SparkSession spark,
      List<CheckResult> results,
      String runId,
      String stage,
      Interval interval,
      Instant computedAt) {
    List<Row> rows = new ArrayList<>();
    for (CheckResult r : results) {
      rows.add(
          RowFactory.create(
              runId,
              stage,
              ts(interval.start()),
              ts(interval.end()),
              r.metric(),
              r.column(),
              r.value(),
              r.limit(),
              r.status(),
              ts(computedAt),
              r.checkName(),
              r.kind(),
              r.table(),
              r.scope(),
              r.lower(),
              r.upper(),
              r.pValue(),
              r.action(),
              r.message()));
    }
    return spark.createDataFrame(rows, Schemas.QUALITY_METRICS);
  }

  /**
   * Replaces the rows of ({@code runId}, {@code stage}) with {@code results} (a retry leaves one
   * set). A table written before the check suite gains the new nullable columns in the same commit
   * (Delta schema evolution, mergeSchema).
   */
  public static long write(
      SparkSession spark,
      String path,
      List<CheckResult> results,
      String runId,
      String stage,
      Interval interval) {
    return write(spark, path, results, runId, stage, interval, Instant.now());
  }

  /** As {@link #write}, with the rows' computed_at given. */
  public static long write(
      SparkSession spark,
      String path,
      List<CheckResult> results,
      String runId,
      String stage,
      Interval interval,
      Instant computedAt) {
    Dataset<Row> rows = toRows(spark, results, runId, stage, interval, computedAt).coalesce(1);
    String id = runId.replace("\\", "\\\\").replace("'", "\\'");
    String predicate = "run_id = '" + id + "' AND stage = '" + stage + "'";
    if (!DeltaIo.exists(spark, path)) {
      return DeltaIo.append(rows, path, runId);
    }
    rows.write()
        .format("delta")
        .option("userMetadata", runId)
        .option("mergeSchema", "true")
        .mode("overwrite")
        .option("replaceWhere", predicate)
        .save(path);
    return DeltaIo.committedVersion(spark, path, runId);
  }

  /**
   * Values of each series in the intervals before {@code before} (interval_start < before), the
   * latest row per interval (a rerun supersedes), the last {@code n} intervals, oldest first. One
   * read of the (small) table for all series; a table without the scope column (written before the
   * check suite) has fleet scope everywhere.
   */
  public static Map<Series, List<Double>> history(
      SparkSession spark,
      String path,
      String stage,
      Collection<Series> series,
      Instant before,
      int n) {
    Map<Series, List<Double>> out = new LinkedHashMap<>();
    series.forEach(s -> out.put(s, new ArrayList<>()));
    if (series.isEmpty() || before == null || !DeltaIo.exists(spark, path)) {
      return out;
    }
    Dataset<Row> t = DeltaIo.read(spark, path, OptionalLong.empty());
    Column scope =
        Arrays.asList(t.columns()).contains("scope")
            ? coalesce(col("scope"), lit(CheckResult.ALL))
            : lit(CheckResult.ALL);
    // Only the wanted series' rows reach the windows below: a metric's rows are mostly
    // per-compressor ones (4,500 a day at fleet scale), and sorting a year of them took seconds.
    Column wanted = lit(false);
    for (Series s : new LinkedHashSet<>(series)) {
      wanted =
          wanted.or(
              col("metric")
                  .equalTo(s.metric())
                  .and(col("column_name").equalTo(s.column()))
                  .and(scope.equalTo(s.scope())));
    }
    Dataset<Row> rows =
        t.where(
                col("stage")
                    .equalTo(stage)
                    .and(wanted)
                    .and(col("interval_start").lt(lit(Timestamp.from(before))))
                    .and(col("value").isNotNull()))
            .select(
                col("metric"),
                col("column_name"),
                scope.as("scope"),
                col("interval_start"),
                col("value"),
                col("computed_at"));
    Column key = col("metric");
    Dataset<Row> latest =
        rows.withColumn(
                "_r",
                row_number()
                    .over(
                        Window.partitionBy(
                                key, col("column_name"), col("scope"), col("interval_start"))
                            .orderBy(col("computed_at").desc())))
            .where(col("_r").equalTo(1))
            .withColumn(
                "_age",
                row_number()
                    .over(
                        Window.partitionBy(key, col("column_name"), col("scope"))
                            .orderBy(col("interval_start").desc())))
            .where(col("_age").leq(n))
            .orderBy(col("interval_start"));
    for (Row r : latest.collectAsList()) {
      Series s = new Series(r.getString(0), r.getString(1), r.getString(2));
      List<Double> values = out.get(s);
      if (values != null) {
        values.add(r.getDouble(4));
      }
    }
    return out;
  }

  private static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
