package com.altaviz.etl.gold;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.config.ThresholdsConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Silver readings → gold feature rows: silver hash-partitioned by compressor and sorted by
 * (compressor, time) within each partition, then one {@link FeaturePass} per partition that streams
 * it compressor by compressor; compressor metadata and maintenance events ride along as broadcast
 * variables (a map-side broadcast join).
 */
public final class GoldFeatures {
  private GoldFeatures() {}

  /** Rows read and rows emitted, counted by the tasks. */
  public record Counters(LongAccumulator rowsIn, LongAccumulator rowsOut) {
    public static Counters register(SparkSession spark) {
      return new Counters(
          spark.sparkContext().longAccumulator("gold rows in"),
          spark.sparkContext().longAccumulator("gold rows out"));
    }
  }

  /**
   * Computes gold rows for readings in {@code range.output()} from {@code silver} (which should
   * already be limited to {@code range.read()}: the warm-up rows feed the windows only).
   *
   * @param metadata bronze/compressor_metadata (compressor_id, model, horsepower, station_id)
   * @param maintenance bronze/maintenance_logs (compressor_id, performed_at)
   */
  public static Dataset<Row> compute(
      Dataset<Row> silver,
      Dataset<Row> metadata,
      Dataset<Row> maintenance,
      ThresholdsConfig thresholds,
      GoldRange range,
      String runId,
      Counters counters) {
    return features(
        silver,
        pass(
            CompressorCatalog.collect(metadata),
            collectMaintenance(maintenance),
            thresholds,
            range,
            runId,
            counters));
  }

  /**
   * The feature rows of {@code pass} over {@code silver}: its input columns (numeric sensor columns
   * of another type cast to double; a missing or non-numeric column is bad input), every reading of
   * a compressor in one partition, in time order. The timestamp enters the pass as epoch µs, which
   * the sort orders as it orders the timestamps. A reading with no compressor or no time belongs to
   * no window and is left out.
   */
  static Dataset<Row> features(Dataset<Row> silver, FeaturePass pass) {
    List<Column> columns = new ArrayList<>();
    for (String c : GoldSchema.INPUT_COLUMNS) {
      Column in = inputColumn(silver.schema(), c);
      columns.add(c.equals("timestamp") ? functions.unix_micros(in).as(c) : in);
    }
    return silver
        .select(columns.toArray(new Column[0]))
        .where(
            functions.col("compressor_id").isNotNull().and(functions.col("timestamp").isNotNull()))
        // shuffle partitions, coalesced by AQE to the data's size; each task writes one file per
        // date it holds: a few per date at fleet scale, one at demo scale (no optimizeWrite
        // shuffle)
        .repartition(functions.col("compressor_id"))
        .sortWithinPartitions("compressor_id", "timestamp")
        .mapPartitions(pass, Encoders.row(GoldSchema.PASS))
        .select(GoldSchema.output(pass.runId()));
  }

  /** The feature computation for each partition of {@link #features}, the dimensions broadcast. */
  static FeaturePass pass(
      CompressorCatalog catalog,
      MaintenanceHistory history,
      ThresholdsConfig thresholds,
      GoldRange range,
      String runId,
      Counters counters) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSession.active().sparkContext());
    return new FeaturePass(
        jsc.broadcast(catalog),
        jsc.broadcast(history),
        new StatusFlags(thresholds),
        range.outputStartMicros(),
        range.outputEndMicros(),
        runId,
        counters.rowsIn(),
        counters.rowsOut());
  }

  private static Column inputColumn(StructType schema, String name) {
    if (!Arrays.asList(schema.fieldNames()).contains(name)) {
      throw EtlException.badInput("silver table has no column " + name, null);
    }
    DataType type = schema.apply(name).dataType();
    DataType expected = expected(name);
    if (type.equals(expected)) {
      return functions.col(name);
    }
    if (expected == DataTypes.DoubleType && type instanceof NumericType) {
      return functions.col(name).cast(DataTypes.DoubleType).as(name);
    }
    throw EtlException.badInput(
        "silver column "
            + name
            + " has type "
            + type.simpleString()
            + ", expected "
            + expected.simpleString(),
        null);
  }

  /** The silver type gold reads a column as: the id a string, the time a timestamp, else double. */
  private static DataType expected(String column) {
    return column.equals("compressor_id")
        ? DataTypes.StringType
        : column.equals("timestamp") ? DataTypes.TimestampType : DataTypes.DoubleType;
  }

  /** Collects (compressor, event time) pairs; events with no time or compressor are ignored. */
  static MaintenanceHistory collectMaintenance(Dataset<Row> maintenance) {
    List<Object[]> rows = new ArrayList<>();
    for (Row r :
        maintenance.selectExpr("compressor_id", "unix_micros(performed_at)").collectAsList()) {
      rows.add(new Object[] {r.get(0), r.get(1)});
    }
    return maintenance(rows);
  }

  /**
   * From rows of (compressor_id, performed_at as epoch µs or Instant), as {@link
   * #collectMaintenance}.
   */
  static MaintenanceHistory maintenance(List<Object[]> rows) {
    List<String> ids = new ArrayList<>(rows.size());
    List<Long> times = new ArrayList<>(rows.size());
    for (Object[] r : rows) {
      if (r[0] != null && r[1] != null) {
        ids.add((String) r[0]);
        times.add(r[1] instanceof Instant i ? micros(i) : (Long) r[1]);
      }
    }
    return MaintenanceHistory.of(ids, times);
  }

  private static long micros(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }
}
