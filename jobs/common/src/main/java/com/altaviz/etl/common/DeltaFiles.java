package com.altaviz.etl.common;

import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A pinned Delta snapshot read as its data files through Spark's plain Parquet source, the files
 * listed by Delta Kernel on the driver.
 *
 * <p>Why: Delta's Spark reader replays the log and filters its files with Spark jobs, each
 * planned and code-generated in a cold driver: about 6 s before the first row of gold's silver
 * read at 4,500 × 7, where Kernel reads the same log in under a second (bench/RESULTS.md).
 *
 * <p>Only for tables whose files are the rows, which is every table here: protocol reader
 * version 1 (no deletion vectors, no column mapping). For any other table, or one Kernel cannot
 * read, the result is empty and the caller reads with {@link DeltaIo#read}.
 */
public final class DeltaFiles {
  private DeltaFiles() {}

  /** A snapshot's data files (absolute paths) and the schema of their columns. */
  public record DataFiles(StructType schema, List<String> paths, List<Long> sizes) {
    /** The files' rows, read through Spark's Parquet source. */
    public Dataset<Row> read(SparkSession spark) {
      return read(spark, paths);
    }

    /** The rows of {@code subset}, some of {@link #paths}. */
    public Dataset<Row> read(SparkSession spark, List<String> subset) {
      return subset.isEmpty()
          ? spark.createDataFrame(List.of(), schema)
          : spark.read().schema(schema).parquet(subset.toArray(new String[0]));
    }
  }

  /**
   * The table's data columns (not its partition columns, which live in directory names) at
   * {@code version} (the latest when empty), from the files whose partition values pass {@code
   * partitions}; empty when the table needs Delta's own reader, or is missing (whose error
   * {@link DeltaIo#read} gives).
   */
  public static Optional<Dataset<Row>> readDataColumns(
      SparkSession spark, String path, OptionalLong version,
      Predicate<Map<String, String>> partitions) {
    return list(spark, path, version, partitions).map(files -> files.read(spark));
  }

  /** The files {@link #readDataColumns} reads, for a caller that plans its own reads. */
  public static Optional<DataFiles> list(
      SparkSession spark, String path, OptionalLong version,
      Predicate<Map<String, String>> partitions) {
    Engine engine = DefaultEngine.create(spark.sessionState().newHadoopConf());
    SnapshotImpl snapshot;
    try {
      Table table = Table.forPath(engine, path);
      snapshot = (SnapshotImpl) (version.isPresent()
          ? table.getSnapshotAsOfVersion(engine, version.getAsLong())
          : table.getLatestSnapshot(engine));
    } catch (KernelException e) { // no table, or a protocol feature or log Kernel does not read
      return Optional.empty();
    }
    if (snapshot.getProtocol().getMinReaderVersion() > 1) {
      return Optional.empty();
    }
    Set<String> partitionColumns = new HashSet<>(snapshot.getPartitionColumnNames(engine));
    StructType data = new StructType();
    for (StructField f :
        ((StructType) DataType.fromJson(snapshot.getMetadata().getSchemaString())).fields()) {
      if (!partitionColumns.contains(f.name())) {
        data = data.add(f);
      }
    }
    List<String> paths = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    files(engine, snapshot, path, partitions, paths, sizes);
    return Optional.of(new DataFiles(data, List.copyOf(paths), List.copyOf(sizes)));
  }

  private static void files(
      Engine engine, Snapshot snapshot, String path, Predicate<Map<String, String>> partitions,
      List<String> paths, List<Long> sizes) {
    try (CloseableIterator<FilteredColumnarBatch> batches =
        snapshot.getScanBuilder(engine).build().getScanFiles(engine)) {
      while (batches.hasNext()) {
        try (CloseableIterator<io.delta.kernel.data.Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            io.delta.kernel.data.Row file = rows.next();
            if (partitions.test(InternalScanFileUtils.getPartitionValues(file))) {
              var status = InternalScanFileUtils.getAddFileStatus(file);
              paths.add(status.getPath());
              sizes.add(status.getSize());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing the files of Delta table " + path, e);
    }
  }
}
