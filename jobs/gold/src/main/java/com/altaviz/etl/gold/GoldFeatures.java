package com.altaviz.etl.gold;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.config.ThresholdsConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Silver readings → gold feature rows (DESIGN §6 Gold): each compressor's history in one
 * partition (the job scales out by compressor), read group by group ({@link #byGroup}) or
 * shuffled ({@link #byCompressor}), then one {@link FeaturePass} per partition; compressor
 * metadata and maintenance events ride along as broadcast variables (a map-side broadcast join).
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
    FeaturePass pass =
        pass(
            CompressorCatalog.collect(metadata),
            collectMaintenance(maintenance),
            thresholds,
            range,
            runId,
            counters);
    return asDataFrame(byCompressor(silver).mapPartitions(pass));
  }

  /**
   * Silver's readings hash-partitioned by compressor, buffered per partition: every reading of a
   * compressor lands in the same partition. Numeric sensor columns of another type are cast to
   * double; a missing or non-numeric column is bad input. With adaptive execution on (as in
   * every session here) the shuffle's map stage runs when this is called.
   */
  public static JavaRDD<FeaturePass.Readings> byCompressor(Dataset<Row> silver) {
    List<Column> columns = new ArrayList<>();
    for (String c : GoldSchema.INPUT_COLUMNS) {
      columns.add(inputColumn(silver.schema(), c));
    }
    return silver
        .select(columns.toArray(new Column[0]))
        .repartition(functions.col("compressor_id"))
        .queryExecution()
        .toRdd()
        .toJavaRDD()
        .mapPartitions(rows -> List.of(FeaturePass.Readings.buffer(rows)).iterator());
  }

  /**
   * Silver's readings group by group, one partition each, each group holding every reading of
   * its compressors ({@link SilverGroups}): the partitioning of {@link #byCompressor} without a
   * shuffle.
   */
  static JavaRDD<FeaturePass.Readings> byGroup(
      SilverScan scan, List<List<SilverScan.SilverFile>> groups) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkSession.active().sparkContext());
    // as many slices as elements: one group per partition
    return jsc.parallelize(groups, groups.size())
        .mapPartitions(
            g -> g.hasNext()
                ? List.of(scan.read(g.next())).iterator()
                : Collections.emptyIterator());
  }

  /** Feature rows of a {@link FeaturePass} as a DataFrame in gold layout (no Row conversion). */
  static Dataset<Row> asDataFrame(JavaRDD<InternalRow> rows) {
    return SparkSession.active().internalCreateDataFrame(rows.rdd(), GoldSchema.OUTPUT, false);
  }

  /**
   * The feature computation for each partition of {@link #byCompressor} or {@link #byGroup}, the
   * dimensions broadcast: mapped over the partitions it gives gold rows, in a {@link
   * GoldFileWriter} it writes them.
   */
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
    DataType expected = SilverScan.expected(name);
    if (type.equals(expected)) {
      return functions.col(name);
    }
    if (expected == DataTypes.DoubleType && type instanceof NumericType) {
      return functions.col(name).cast(DataTypes.DoubleType).as(name);
    }
    throw EtlException.badInput(
        "silver column " + name + " has type " + type.simpleString() + ", expected "
            + expected.simpleString(),
        null);
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
