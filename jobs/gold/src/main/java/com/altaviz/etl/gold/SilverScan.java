package com.altaviz.etl.gold;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.paths.SparkPath;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.FileFormat;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Function1;
import scala.collection.JavaConverters;

/**
 * Reads one group of silver files ({@link SilverGroups}) in a task straight into {@link
 * FeaturePass.Readings}: Spark's own vectorized Parquet reader, the function its file scans run,
 * with the column batches copied into the arrays. No query is planned per group (a union of
 * scans cost about 1 s of driver time for 8 groups) and no row is materialized.
 */
final class SilverScan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One file of a group: its path (as DeltaFiles lists it) and size. */
  record SilverFile(String path, long size) implements Serializable {}

  private final Function1<PartitionedFile, scala.collection.Iterator<InternalRow>> reader;
  private final long start;
  private final long end;

  private SilverScan(
      Function1<PartitionedFile, scala.collection.Iterator<InternalRow>> reader, long start,
      long end) {
    this.reader = reader;
    this.start = start;
    this.end = end;
  }

  /**
   * A reader of the input columns of silver files with data schema {@code schema}, keeping the
   * readings in {@code range}'s read range; empty when a column has another type than gold reads
   * (the shuffled read casts it) or the vectorized reader is off.
   */
  static Optional<SilverScan> of(SparkSession spark, StructType schema, GoldRange range) {
    StructType required = new StructType();
    for (String c : GoldSchema.INPUT_COLUMNS) {
      if (!List.of(schema.fieldNames()).contains(c)
          || !schema.apply(c).dataType().equals(expected(c))) {
        return Optional.empty();
      }
      required = required.add(schema.apply(c));
    }
    ParquetFileFormat format = new ParquetFileFormat();
    if (!format.supportBatch(spark, required)) {
      return Optional.empty();
    }
    scala.collection.immutable.Map<String, String> options =
        scala.collection.immutable.Map$.MODULE$.<String, String>empty()
            .updated(FileFormat.OPTION_RETURNING_BATCH(), "true");
    return Optional.of(
        new SilverScan(
            format.buildReaderWithPartitionValues(
                spark, schema, new StructType(), required,
                JavaConverters.asScalaBuffer(List.<org.apache.spark.sql.sources.Filter>of())
                    .toSeq(),
                options, spark.sessionState().newHadoopConf()),
            range.readStartMicros(),
            range.readEndMicros()));
  }

  /** The type gold reads an input column as. */
  static DataType expected(String column) {
    return column.equals("compressor_id")
        ? DataTypes.StringType
        : column.equals("timestamp") ? DataTypes.TimestampType : DataTypes.DoubleType;
  }

  /** The readings of one group's files in the read range (rows with no timestamp are none). */
  FeaturePass.Readings read(List<SilverFile> files) {
    FeaturePass.Readings r = new FeaturePass.Readings();
    for (SilverFile f : files) {
      PartitionedFile file =
          new PartitionedFile(
              InternalRow.empty(), SparkPath.fromPath(new Path(f.path())), 0L, f.size(),
              new String[0], 0L, f.size(),
              scala.collection.immutable.Map$.MODULE$.<String, Object>empty());
      scala.collection.Iterator<InternalRow> batches = reader.apply(file);
      while (batches.hasNext()) {
        // with OPTION_RETURNING_BATCH the "rows" are column batches, as in Spark's file scans
        add(r, (ColumnarBatch) (Object) batches.next());
      }
    }
    return r.done();
  }

  private void add(FeaturePass.Readings r, ColumnarBatch batch) {
    ColumnVector ids = batch.column(GoldSchema.IN_COMPRESSOR);
    ColumnVector ts = batch.column(GoldSchema.IN_TIMESTAMP);
    for (int row = 0; row < batch.numRows(); row++) {
      if (ts.isNullAt(row) || ids.isNullAt(row)) {
        continue;
      }
      long t = ts.getLong(row);
      if (t < start || t >= end) {
        continue;
      }
      int i = r.add(ids.getUTF8String(row), t);
      for (int v = 0; v < GoldSchema.VALUE_COLUMNS; v++) {
        ColumnVector c = batch.column(GoldSchema.IN_FIRST_VALUE + v);
        r.values[v][i] = c.isNullAt(row) ? Double.NaN : c.getDouble(row);
      }
    }
  }
}
