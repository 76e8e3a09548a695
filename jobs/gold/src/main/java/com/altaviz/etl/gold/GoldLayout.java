package com.altaviz.etl.gold;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.EtlException;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.types.StructField;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Refuses, before any work, a gold table that does not have this version's layout (other columns,
 * types or partitioning: changed by hand, or by another version), which must be migrated, not
 * written into. Reads the table's metadata with Delta Kernel on the driver.
 */
final class GoldLayout {
  private GoldLayout() {}

  static void require(SparkSession spark, String path) {
    // no table yet, or only the log directory of a first write killed before its commit
    // (which Kernel's snapshot reports as a plain RuntimeException): the write creates it
    if (DeltaIo.latestVersion(spark, path).isEmpty()) {
      return;
    }
    Engine engine = DefaultEngine.create(spark.sessionState().newHadoopConf());
    Snapshot snapshot;
    List<String> partitioning;
    List<String> columns = new ArrayList<>();
    try {
      snapshot = Table.forPath(engine, path).getLatestSnapshot(engine);
      partitioning = snapshot.getPartitionColumnNames(engine);
      for (StructField f : snapshot.getSchema(engine).fields()) {
        columns.add(f.getName() + " " + f.getDataType());
      }
    } catch (KernelException e) {
      // no table yet (the write creates it), or one only Delta's writer reads, which checks
      // the schema itself
      return;
    }
    List<String> expected = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : GoldSchema.OUTPUT.fields()) {
      expected.add(f.name() + " " + f.dataType().typeName());
    }
    if (!columns.equals(expected) || !partitioning.equals(List.of("date"))) {
      throw EtlException.badInput(
          path
              + " does not have this version's gold layout: it has columns "
              + columns
              + " partitioned by "
              + partitioning
              + ", expected "
              + expected
              + " partitioned by [date]",
          null);
    }
  }
}
