package com.altaviz.etl.gold;

import com.altaviz.etl.common.DeltaFiles;
import com.altaviz.etl.common.EtlException;
import io.delta.kernel.Table;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.internal.SnapshotImpl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.NoMapping$;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.Format;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Driver side of gold's write: commits the files of {@link GoldFileWriter} to the Delta table in
 * one transaction that also removes every file of the replaced date range, as Delta's own
 * replaceWhere does (same commit: readers see the old range or the new one, never a mix).
 * Conflict detection is Delta's: the transaction reads the replaced partitions.
 */
final class GoldCommit {
  private GoldCommit() {}

  /**
   * @param range the replaced range, whole date partitions
   * @return the committed table version
   */
  static long replace(
      SparkSession spark, String path, List<GoldFileWriter.File> files, GoldRange range,
      String runId) {
    String predicate = range.replacePredicate();
    OptimisticTransaction txn = DeltaLog.forTable(spark, path).startTransaction();
    boolean create = txn.readVersion() < 0;
    List<Action> actions = new ArrayList<>();
    if (create) {
      Map<String, String> conf = new HashMap<>();
      conf.put("delta.dataSkippingStatsColumns", GoldSettings.STATS_COLUMNS);
      txn.updateMetadataForNewTable(
          new Metadata(
              UUID.randomUUID().toString(), null, null,
              new Format("parquet", scalaMap(Map.of())),
              GoldSchema.OUTPUT.json(), seq(List.of("date")), scalaMap(conf),
              Option.apply(System.currentTimeMillis())));
    } else {
      requireWritable(txn.metadata(), path);
      for (AddFile f : replaced(spark, txn, path, range)) {
        actions.add(f.remove());
      }
    }
    for (GoldFileWriter.File f : files) {
      actions.add(
          new AddFile(
              f.path(), scalaMap(Map.of("date", f.date())), f.size(), f.modificationTime(),
              true, f.stats(), null, null, Option.empty(), Option.empty(), Option.empty()));
    }
    DeltaOperations.Write operation =
        new DeltaOperations.Write(
            create ? SaveMode.Append : SaveMode.Overwrite,
            Option.apply(seq(List.of("date"))),
            create ? Option.empty() : Option.apply(predicate),
            Option.apply(runId));
    return txn.commit(seq(actions), operation);
  }

  /**
   * Fails fast, before any file is written, when an existing table does not have gold's layout
   * (the files are written in this version's layout, so a table changed by hand, with other
   * columns, partitioning or column mapping, must be migrated first, not appended to). Reads the
   * metadata with Delta Kernel, in well under a second; a table Kernel cannot read is checked by
   * {@link #prepare} before the commit.
   */
  static void requireLayout(SparkSession spark, String path) {
    Engine engine = DefaultEngine.create(spark.sessionState().newHadoopConf());
    SnapshotImpl snapshot;
    try {
      snapshot = (SnapshotImpl) Table.forPath(engine, path).getLatestSnapshot(engine);
    } catch (KernelException e) { // no table yet, or one only Delta's reader reads
      return;
    }
    io.delta.kernel.internal.actions.Metadata m = snapshot.getMetadata();
    requireLayout(
        (StructType) DataType.fromJson(m.getSchemaString()),
        snapshot.getPartitionColumnNames(engine),
        m.getConfiguration().getOrDefault("delta.columnMapping.mode", "none"),
        path);
  }

  /**
   * The files of the replaced range at the transaction's read version, registered as read (the
   * predicate too) so that Delta's conflict check covers them, as {@code txn.filterFiles} does.
   * They are listed by Delta Kernel: filterFiles computes the table state with Spark jobs, 5 s of
   * an incremental run's driver. A table Kernel refuses gets filterFiles.
   */
  private static List<AddFile> replaced(
      SparkSession spark, OptimisticTransaction txn, String path, GoldRange range) {
    Seq<Expression> filters = filters(range.replacePredicate());
    return DeltaFiles.loggedFiles(spark, path, txn.readVersion(), range::replacesPartition)
        .map(
            logged -> {
              List<AddFile> files = new ArrayList<>();
              for (DeltaFiles.LoggedFile f : logged) {
                files.add(
                    new AddFile(
                        f.path(), scalaMap(f.partitionValues()), f.size(), f.modificationTime(),
                        true, null, null, null, Option.empty(), Option.empty(), Option.empty()));
              }
              txn.trackReadPredicates(filters, false, true);
              txn.trackFilesRead(seq(files));
              return files;
            })
        .orElseGet(() -> JavaConverters.seqAsJavaList(txn.filterFiles(filters, false)));
  }

  /**
   * Run on a side thread while the features are computed: loads Delta's snapshot of the table
   * (and checks the layout again, as Delta's reader sees it), so that the commit starts warm.
   */
  static void prepare(SparkSession spark, String path) {
    Snapshot snapshot = DeltaLog.forTable(spark, path).update(false, Option.empty(), Option.empty());
    if (snapshot.version() >= 0) {
      requireWritable(snapshot.metadata(), path);
    }
  }

  private static void requireWritable(Metadata m, String path) {
    requireLayout(
        m.schema(), JavaConverters.seqAsJavaList(m.partitionColumns()),
        m.columnMappingMode().name(), path);
  }

  private static void requireLayout(
      StructType schema, List<String> partitioning, String mapping, String path) {
    if (!schema.sameType(GoldSchema.OUTPUT)
        || !partitioning.equals(List.of("date"))
        || !mapping.equalsIgnoreCase(NoMapping$.MODULE$.name())) {
      throw EtlException.badInput(
          path + " does not have this version's gold layout: it has columns "
              + List.of(schema.fieldNames()) + " partitioned by " + partitioning
              + " (column mapping " + mapping + "), expected "
              + List.of(GoldSchema.OUTPUT.fieldNames()) + " partitioned by [date]",
          null);
    }
  }

  private static Seq<Expression> filters(String predicate) {
    return seq(predicate.equals("true") ? List.of() : List.of(functions.expr(predicate).expr()));
  }

  private static <T> Seq<T> seq(List<T> list) {
    return JavaConverters.asScalaBuffer(list).toList();
  }

  private static scala.collection.immutable.Map<String, String> scalaMap(Map<String, String> m) {
    return scala.collection.immutable.Map$.MODULE$.<String, String>empty()
        .$plus$plus(JavaConverters.mapAsScalaMap(m));
  }
}
