package com.altaviz.etl.common;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.ByteType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.FloatType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.ShortType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Small Delta tables (the run ledger, the dimension tables) read on the driver through Delta
 * Kernel's public API: the latest snapshot's files are listed and read by Kernel's Parquet handler,
 * with no Spark job. Delta's Spark reader would replay the log and plan the read with Spark jobs,
 * which in a cold driver costs seconds for a table of a few hundred rows.
 *
 * <p>Only for tables whose files are their rows: a file with a deletion vector, a column mapped to
 * another physical name, a partition column or a column of another type makes the result empty, and
 * the caller reads with {@link DeltaIo#read}.
 */
public final class DeltaFiles {
  /** Column types {@link #collect} reads. */
  private static final Set<Class<?>> READABLE =
      Set.of(
          StringType.class,
          BooleanType.class,
          ByteType.class,
          ShortType.class,
          IntegerType.class,
          LongType.class,
          TimestampType.class,
          FloatType.class,
          DoubleType.class);

  private static final String PHYSICAL_NAME = "delta.columnMapping.physicalName";

  private DeltaFiles() {}

  /**
   * A small table's columns at its latest version. Values are String, Boolean, Byte, Short,
   * Integer, Long, Float, Double or Instant (timestamps), null for null; empty when the table is
   * missing or needs Delta's reader (see the class comment).
   */
  public static Optional<List<Object[]>> collect(
      SparkSession spark, String path, List<String> columns) {
    Engine engine = DefaultEngine.create(spark.sessionState().newHadoopConf());
    Snapshot snapshot;
    try {
      snapshot = Table.forPath(engine, path).getLatestSnapshot(engine);
    } catch (KernelException e) { // no table, or a protocol feature Kernel does not read
      DeltaIo.requireIntactCommit(spark, path, OptionalLong.empty()); // or a damaged commit
      return Optional.empty();
    } catch (RuntimeException e) {
      DeltaIo.requireIntactCommit(spark, path, OptionalLong.empty()); // a damaged commit: say so
      throw e;
    }
    DeltaIo.requireIntactCommit(spark, path, OptionalLong.of(snapshot.getVersion(engine)));
    StructType schema = snapshot.getSchema(engine);
    List<String> partitionColumns = snapshot.getPartitionColumnNames(engine);
    StructType read = new StructType();
    for (String c : columns) {
      int i = schema.indexOf(c);
      if (i < 0 || partitionColumns.contains(c)) {
        return Optional.empty();
      }
      StructField f = schema.at(i);
      if (!READABLE.contains(f.getDataType().getClass())
          || f.getMetadata().contains(PHYSICAL_NAME)) {
        return Optional.empty();
      }
      read = read.add(f);
    }
    Optional<List<FileStatus>> files = files(engine, snapshot, path);
    if (files.isEmpty()) {
      return Optional.empty();
    }
    List<Object[]> rows = new ArrayList<>();
    try (CloseableIterator<ColumnarBatch> batches =
        engine
            .getParquetHandler()
            .readParquetFiles(closeable(files.get()), read, Optional.empty())) {
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

  /**
   * The snapshot's data files, from the {@code add} entries of its scan files (a path relative to
   * {@code tableRoot}, both URI-encoded as the log stores them; size; modification time); empty
   * when a file has a deletion vector, which only Delta's reader applies.
   */
  private static Optional<List<FileStatus>> files(Engine engine, Snapshot snapshot, String path) {
    List<FileStatus> files = new ArrayList<>();
    Scan scan = snapshot.getScanBuilder(engine).build();
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
      while (batches.hasNext()) {
        try (CloseableIterator<Row> rows = batches.next().getRows()) {
          while (rows.hasNext()) {
            Row file = rows.next();
            Row add = file.getStruct(file.getSchema().indexOf("add"));
            int dv = add.getSchema().indexOf("deletionVector");
            if (dv >= 0 && !add.isNullAt(dv)) {
              return Optional.empty();
            }
            Path root = new Path(new URI(file.getString(file.getSchema().indexOf("tableRoot"))));
            Path data = new Path(root, new Path(new URI(field(add, "path").toString())));
            files.add(
                FileStatus.of(
                    data.toString(),
                    (Long) field(add, "size"),
                    (Long) field(add, "modificationTime")));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing the files of Delta table " + path, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Delta table " + path + " logs a malformed file path", e);
    }
    return Optional.of(files);
  }

  private static Object field(Row row, String name) {
    int i = row.getSchema().indexOf(name);
    return row.getSchema().at(i).getDataType() instanceof StringType
        ? row.getString(i)
        : (Object) row.getLong(i);
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

  private static <T> CloseableIterator<T> closeable(List<T> items) {
    Iterator<T> it = items.iterator();
    return new CloseableIterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public T next() {
        return it.next();
      }

      @Override
      public void close() {}
    };
  }
}
