package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.CheckKind;
import com.altaviz.etl.common.quality.CheckResult;
import com.altaviz.etl.common.quality.Checks;
import com.altaviz.etl.common.quality.Drift;
import com.altaviz.etl.common.quality.QualityStore.Series;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The silver checks that need more than this run's rows: anomalies of metrics against their history
 * in ops/quality_metrics, and distribution drift of sensor columns against the trailing reference
 * window of silver (docs/quality-and-features.md, "Check suite").
 */
final class SilverChecks {
  private SilverChecks() {}

  static final StructType MODELS =
      new StructType()
          .add("compressor_id", DataTypes.StringType)
          .add("model", DataTypes.StringType);

  /** Anomaly verdicts for the anomaly checks among {@code checks}. */
  static List<CheckResult> anomalies(
      SparkSession spark,
      String metricsPath,
      Map<String, CheckConfig> checks,
      List<CheckResult> measured,
      long intervalRows,
      Interval interval) {
    Map<Series, Double> current = new LinkedHashMap<>();
    for (CheckResult r : measured) {
      current.put(new Series(r.metric(), r.column(), r.scope()), r.value());
    }
    checks.forEach(
        (n, c) -> {
          if (c.kind == CheckKind.ROW_COUNT_ANOMALY) {
            current.put(new Series(n, CheckResult.ALL, CheckResult.ALL), (double) intervalRows);
          }
        });
    return Checks.anomalies(spark, metricsPath, "silver", checks, current, interval.start());
  }

  /**
   * KS and PSI drift of the drift checks among {@code checks}: this run's silver rows of the
   * interval against the {@code reference_days} before it (the largest of the checks), one read,
   * two Spark jobs (see {@link Drift}). The reference's last {@code lookback} comes from this run's
   * own rows (it rewrites that range), the rest from silver/sensor_readings: a re-run judges
   * against the same reference as the first run.
   */
  static List<CheckResult> drift(
      SparkSession spark,
      String silverPath,
      Map<String, CheckConfig> checks,
      Dataset<Row> silverRows,
      Map<String, String> models,
      Interval interval,
      Duration lookback) {
    Map<String, CheckConfig> drift = new LinkedHashMap<>();
    checks.forEach(
        (n, c) -> {
          if (c.kind == CheckKind.KS_DRIFT || c.kind == CheckKind.PSI_DRIFT) {
            drift.put(n, c);
          }
        });
    List<CheckResult> out = new ArrayList<>();
    if (drift.isEmpty()) {
      return out;
    }
    if (interval.isAll()) {
      for (var e : drift.entrySet()) {
        for (String column : e.getValue().columns) {
          out.add(
              skipped(
                  e.getKey(),
                  e.getValue(),
                  column,
                  "no interval (single batch): no reference window"));
        }
      }
      return out;
    }
    int days = drift.values().stream().mapToInt(CheckConfig::referenceDaysOr).max().orElse(7);
    int grid = drift.values().stream().mapToInt(CheckConfig::gridOr).max().orElse(1000);
    Set<String> columns = new LinkedHashSet<>();
    drift.values().forEach(c -> columns.addAll(c.columns));
    List<String> cols = List.copyOf(columns);
    Instant from = interval.start().minus(Duration.ofDays(days));
    Instant own = interval.start().minus(lookback);
    if (own.isBefore(from)) {
      own = from;
    }
    Dataset<Row> reference =
        silverRows.where(between(own, interval.start())).select(sides(cols, "compressor_id"));
    if (own.isAfter(from) && DeltaIo.exists(spark, silverPath)) {
      reference =
          DeltaIo.read(spark, silverPath, OptionalLong.empty())
              // the date bounds prune silver's partitions to the reference window
              .where(DeltaIo.dateRangePredicate(new Interval(from, own), "timestamp"))
              .select(sides(cols, "compressor_id"))
              .unionByName(reference);
    }
    reference = reference.withColumn("side", lit(Drift.REFERENCE));
    Dataset<Row> current =
        silverRows
            .where(interval.contains(col("timestamp")))
            .select(sides(cols, "compressor_id"))
            .withColumn("side", lit(Drift.CURRENT));
    List<Row> modelRows = new ArrayList<>();
    models.forEach((id, m) -> modelRows.add(RowFactory.create(id, m)));
    Dataset<Row> both =
        reference
            .unionByName(current)
            .join(broadcast(spark.createDataFrame(modelRows, MODELS)), "compressor_id");
    Map<Drift.Key, Drift.Histogram> histograms = Drift.histograms(both, cols, "model", grid);
    for (var e : drift.entrySet()) {
      out.addAll(Checks.drift(e.getKey(), e.getValue(), histograms));
    }
    return out;
  }

  private static org.apache.spark.sql.Column between(Instant from, Instant to) {
    return col("timestamp")
        .geq(lit(Timestamp.from(from)))
        .and(col("timestamp").lt(lit(Timestamp.from(to))));
  }

  private static org.apache.spark.sql.Column[] sides(List<String> cols, String key) {
    List<org.apache.spark.sql.Column> s = new ArrayList<>();
    s.add(col(key));
    cols.forEach(c -> s.add(col(c)));
    return s.toArray(org.apache.spark.sql.Column[]::new);
  }

  private static CheckResult skipped(String name, CheckConfig c, String column, String why) {
    return new CheckResult(
        name,
        column,
        null,
        null,
        CheckResult.PASS,
        name,
        c.kind.key(),
        c.table,
        CheckResult.ALL,
        null,
        c.max,
        null,
        Checks.status(c.action).equals(CheckResult.FAIL) ? CheckResult.FAIL : CheckResult.WARN,
        name + "[" + column + "]: " + why);
  }
}
