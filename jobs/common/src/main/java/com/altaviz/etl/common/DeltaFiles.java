package com.altaviz.etl.common;

import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.SnapshotImpl;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * Delta snapshots read on the driver by Delta Kernel: a table's data files (read by Spark's plain
 * Parquet source, or by the caller), a small table's rows, the files a commit replaces.
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
  /** Column types {@link #collect} reads. */
  private static final Set<Class<?>> READABLE =
      Set.of(
          StringType.class, BooleanType.class, ByteType.class, ShortType.class,
          IntegerType.class, LongType.class, TimestampType.class, FloatType.class,
          DoubleType.class);

  private DeltaFiles() {}

  /** A snapshot's data files (absolute paths) and the schema of their columns. */
  public record DataFiles(StructType schema, List<String> paths, List<Long> sizes) {
    /** The files' rows, read through Spark's Parquet source. */
    public Dataset<Row> read(SparkSession spark) {
      return paths.isEmpty()
          ? spark.createDataFrame(List.of(), schema)
          : spark.read().schema(schema).parquet(paths.toArray(new String[0]));
    }
  }

  /**
   * The table's data files at {@code version} (the latest when empty) whose partition values pass
   * {@code partitions}, with the schema of their columns (not the partition columns, which live
   * in directory names); empty when the table needs Delta's own reader, or is missing (whose
   * error {@link DeltaIo#read} gives).
   */
  public static Optional<DataFiles> list(
      SparkSession spark, String path, OptionalLong version,
      Predicate<Map<String, String>> partitions) {
    Engine engine = DefaultEngine.create(spark.sessionState().newHadoopConf());
    Optional<SnapshotImpl> found = snapshot(engine, path, version);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SnapshotImpl snapshot = found.get();
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
    for (FileStatus f : files(engine, snapshot, path, partitions)) {
      paths.add(f.getPath());
      sizes.add(f.getSize());
    }
    return Optional.of(new DataFiles(data, List.copyOf(paths), List.copyOf(sizes)));
  }

  /**
   * A small table's columns at its latest version (a dimension table), read on the driver by
   * Kernel's Parquet reader: no Spark job, whose planning is most of such a read in a cold driver.
   * Values are String, Boolean, Byte, Short, Integer, Long, Float, Double or Instant (timestamps),
   * null for null; empty when the table needs Delta's reader or is missing, or a column
   * is missing, a partition column, or of another type.
   */
  public static Optional<List<Object[]>> collect(
      SparkSession spark, String path, List<String> columns) {
    Engine engine = DefaultEngine.create(spark.sessionState().newHadoopConf());
    Optional<SnapshotImpl> found = snapshot(engine, path, OptionalLong.empty());
    if (found.isEmpty()) {
      return Optional.empty();
    }
    SnapshotImpl snapshot = found.get();
    io.delta.kernel.types.StructType schema = snapshot.getSchema(engine);
    io.delta.kernel.types.StructType read = new io.delta.kernel.types.StructType();
    for (String c : columns) {
      int i = schema.indexOf(c);
      if (i < 0 || snapshot.getPartitionColumnNames(engine).contains(c)
          || !READABLE.contains(schema.at(i).getDataType().getClass())) {
        return Optional.empty();
      }
      read = read.add(schema.at(i));
    }
    List<Object[]> rows = new ArrayList<>();
    List<FileStatus> files = files(engine, snapshot, path, p -> true);
    try (CloseableIterator<ColumnarBatch> batches =
        engine.getParquetHandler().readParquetFiles(
            Utils.toCloseableIterator(files.iterator()), read, Optional.empty())) {
      while (batches.hasNext()) {
        ColumnarBatch batch = batches.next();
        for (int r = 0; r < batch.getSize(); r++) {
          Object[] row = new Object[columns.size()];
          for (int c = 0; c < row.length; c++) {
            row[c] = value(batch.getColumnVector(c), r);
          }
          rows.add(row);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading Delta table " + path, e);
    }
    return Optional.of(rows);
  }

  private static Object value(ColumnVector v, int r) {
    if (v.isNullAt(r)) {
      return null;
    }
    io.delta.kernel.types.DataType t = v.getDataType();
    if (t instanceof StringType) {
      return v.getString(r);
    } else if (t instanceof BooleanType) {
      return v.getBoolean(r);
    } else if (t instanceof ByteType) {
      return v.getByte(r);
    } else if (t instanceof ShortType) {
      return v.getShort(r);
    } else if (t instanceof IntegerType) {
      return v.getInt(r);
    } else if (t instanceof FloatType) {
      return v.getFloat(r);
    } else if (t instanceof DoubleType) {
      return v.getDouble(r);
    } else if (t instanceof TimestampType) {
      return Instant.EPOCH.plus(v.getLong(r), ChronoUnit.MICROS);
    }
    return v.getLong(r);
  }

  /** The snapshot, when Kernel reads it and its files are its rows (reader version 1). */
  private static Optional<SnapshotImpl> snapshot(Engine engine, String path, OptionalLong version) {
    SnapshotImpl snapshot;
    try {
      Table table = Table.forPath(engine, path);
      snapshot = (SnapshotImpl) (version.isPresent()
          ? table.getSnapshotAsOfVersion(engine, version.getAsLong())
          : table.getLatestSnapshot(engine));
    } catch (KernelException e) { // no table, or a protocol feature or log Kernel does not read
      return Optional.empty();
    }
    return snapshot.getProtocol().getMinReaderVersion() > 1
        ? Optional.empty()
        : Optional.of(snapshot);
  }

  /** A data file as the log records it (its path as written: relative to the table, mostly). */
  public record LoggedFile(
      String path, Map<String, String> partitionValues, long size, long modificationTime) {}

  /**
   * The files of {@code version} whose partition values pass {@code partitions}, as logged: what
   * a transaction removes to replace them. Empty when the table needs Delta's reader (deletion
   * vectors would be part of a file's identity) or is missing.
   */
  public static Optional<List<LoggedFile>> loggedFiles(
      SparkSession spark, String path, long version, Predicate<Map<String, String>> partitions) {
    Engine engine = DefaultEngine.create(spark.sessionState().newHadoopConf());
    return snapshot(engine, path, OptionalLong.of(version))
        .map(
            snapshot ->
                scan(engine, snapshot, path, partitions).stream()
                    .map(
                        f ->
                            new LoggedFile(
                                f.loggedPath, f.partitionValues, f.status.getSize(),
                                f.status.getModificationTime()))
                    .toList());
  }

  private static List<FileStatus> files(
      Engine engine, Snapshot snapshot, String path, Predicate<Map<String, String>> partitions) {
    return scan(engine, snapshot, path, partitions).stream().map(f -> f.status).toList();
  }

  private record ScanFile(
      FileStatus status, String loggedPath, Map<String, String> partitionValues) {}

  private static List<ScanFile> scan(
      Engine engine, Snapshot snapshot, String path, Predicate<Map<String, String>> partitions) {
    List<ScanFile> files = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> batches =
        snapshot.getScanBuilder(engine).build().getScanFiles(engine)) {
      while (batches.hasNext()) {
        try (CloseableIterator<io.delta.kernel.data.Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            io.delta.kernel.data.Row file = rows.next();
            Map<String, String> values = InternalScanFileUtils.getPartitionValues(file);
            if (partitions.test(values)) {
              io.delta.kernel.data.Row add = file.getStruct(InternalScanFileUtils.ADD_FILE_ORDINAL);
              files.add(
                  new ScanFile(
                      InternalScanFileUtils.getAddFileStatus(file),
                      add.getString(add.getSchema().indexOf("path")),
                      values));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing the files of Delta table " + path, e);
    }
    return files;
  }
}
