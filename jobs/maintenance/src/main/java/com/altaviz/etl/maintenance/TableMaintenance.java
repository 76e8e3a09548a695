package com.altaviz.etl.maintenance;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * OPTIMIZE (with Z-order when the table has the column) and VACUUM of one Delta table. Both rewrite
 * files only: OPTIMIZE commits with dataChange=false, so it is allowed on append-only tables and
 * readers of the previous version keep working until VACUUM removes its files.
 */
public final class TableMaintenance {
  private TableMaintenance() {}

  /**
   * Compacts small files; clusters by {@code zOrderColumn} when the table has it as a data column
   * (Z-order on a partition column is rejected by Delta and pointless). Returns the column actually
   * used, or null.
   */
  public static String optimize(SparkSession spark, String path, String zOrderColumn) {
    DeltaTable table = DeltaTable.forPath(spark, path);
    String column = zOrderable(table, zOrderColumn) ? zOrderColumn : null;
    if (column != null) {
      table.optimize().executeZOrderBy(column);
    } else {
      table.optimize().executeCompaction();
    }
    return column;
  }

  /** Deletes files no version within the last {@code retentionHours} references. */
  public static void vacuum(SparkSession spark, String path, long retentionHours) {
    DeltaTable.forPath(spark, path).vacuum(retentionHours);
  }

  static boolean zOrderable(DeltaTable table, String column) {
    Row detail = table.detail().select("partitionColumns").first();
    List<String> partitions = detail.getList(0);
    boolean hasColumn = Arrays.asList(table.toDF().columns()).contains(column);
    return hasColumn && !partitions.contains(column);
  }

  /** Data files the current version references (Delta's own file list, not a listing). */
  public static long activeFiles(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).detail().select("numFiles").first().getLong(0);
  }

  /** Rows in the current version; answered from the file statistics in the Delta log. */
  public static long rows(SparkSession spark, String path) {
    return spark.read().format("delta").load(path).count();
  }

  public static long version(SparkSession spark, String path) {
    return DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
  }

  /** Parquet files present in storage (referenced or not): what VACUUM shrinks. */
  public static long filesInStorage(SparkSession spark, String path) throws IOException {
    Path root = new Path(path);
    FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
    long n = 0;
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      Path p = it.next().getPath();
      if (p.getName().endsWith(".parquet") && !p.toString().contains("/_delta_log/")) {
        n++;
      }
    }
    return n;
  }
}
