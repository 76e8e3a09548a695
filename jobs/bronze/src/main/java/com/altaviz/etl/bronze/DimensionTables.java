package com.altaviz.etl.bronze;

import com.altaviz.etl.common.DeltaIo;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Replaces a bronze dimension table with the current CSV content, but only when that content
 * differs from what the table holds: an unchanged daily re-delivery adds no Delta version.
 */
public final class DimensionTables {
  private DimensionTables() {}

  /** What happened to one dimension table. */
  public record Outcome(boolean replaced, long version, int rows) {}

  public static Outcome replaceIfChanged(
      SparkSession spark,
      List<Row> rows,
      StructType csvSchema,
      String path,
      String sourceFile,
      String runId,
      Timestamp ingestedAt) {
    if (DeltaIo.exists(spark, path) && sameContent(current(spark, path, csvSchema), rows)) {
      return new Outcome(false, DeltaIo.latestVersion(spark, path).getAsLong(), rows.size());
    }
    List<Row> withLineage = new ArrayList<>(rows.size());
    for (Row r : rows) {
      Object[] v = new Object[r.size() + 3];
      for (int i = 0; i < r.size(); i++) {
        v[i] = r.get(i);
      }
      v[r.size()] = ingestedAt;
      v[r.size() + 1] = sourceFile;
      v[r.size() + 2] = runId;
      withLineage.add(RowFactory.create(v));
    }
    var df = spark.createDataFrame(withLineage, BronzeTables.dimension(csvSchema)).coalesce(1);
    return new Outcome(true, DeltaIo.overwrite(df, path, runId), rows.size());
  }

  private static List<Row> current(SparkSession spark, String path, StructType csvSchema) {
    var table = DeltaIo.read(spark, path, OptionalLong.empty());
    for (String c : csvSchema.fieldNames()) {
      if (!List.of(table.columns()).contains(c)) {
        return null; // older layout: replace
      }
    }
    return table.selectExpr(csvSchema.fieldNames()).collectAsList();
  }

  /** Multiset equality of rows (order in the CSV does not matter). */
  static boolean sameContent(List<Row> a, List<Row> b) {
    if (a == null || a.size() != b.size()) {
      return false;
    }
    Map<List<Object>, Integer> counts = new HashMap<>();
    for (Row r : a) {
      counts.merge(values(r), 1, Integer::sum);
    }
    for (Row r : b) {
      Integer c = counts.get(values(r));
      if (c == null || c == 0) {
        return false;
      }
      counts.put(values(r), c - 1);
    }
    return true;
  }

  private static List<Object> values(Row r) {
    List<Object> v = new ArrayList<>(r.size());
    for (int i = 0; i < r.size(); i++) {
      v.add(r.get(i));
    }
    return v;
  }
}
