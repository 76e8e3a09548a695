package com.altaviz.etl.export;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructType;

/**
 * A table the export upserts into: the columns it writes with their Spark types (the shape of the
 * rows the export produces, in that order), the natural key, and the lineage column (the export's
 * run id, or null for mirrored tables whose run_id is data). Columns not listed — operator columns,
 * identities — are never touched by the export. Which of them the database really has, and in which
 * order COPY sends them, is {@link CopyEncoder}'s business: it reads the table from the database.
 */
public record PgTable(String name, StructType schema, List<String> key, String lineage) {
  public PgTable {
    key = List.copyOf(key);
    List<String> cols = Arrays.asList(schema.fieldNames());
    if (!cols.containsAll(key) || (lineage != null && !cols.contains(lineage))) {
      throw new IllegalArgumentException(name + ": key/lineage columns must be written columns");
    }
  }

  /** The written columns, in the order of the rows the export produces. */
  public List<String> columns() {
    return List.of(schema.fieldNames());
  }

  String staging() {
    return "stg_" + name;
  }

  /** Staging table with the target's column types and no constraints, gone at commit. */
  String createStaging() {
    return "CREATE TEMP TABLE "
        + staging()
        + " ON COMMIT DROP AS SELECT "
        + list(columns())
        + " FROM "
        + name
        + " WITH NO DATA";
  }

  /**
   * INSERT … ON CONFLICT on the natural key. A row whose values did not change is not rewritten (no
   * dead tuple, and its lineage keeps naming the run that last changed it); rows go in key order so
   * concurrent writers would take row locks in the same order. Returns one row: the number of rows
   * inserted and the number updated (counted in the server: a week's buckets are ~1M rows).
   */
  String upsert() {
    List<String> columns = columns();
    List<String> data = columns.stream().filter(c -> !key.contains(c)).toList();
    List<String> compared = data.stream().filter(c -> !c.equals(lineage)).toList();
    String set = data.stream().map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
    String sql =
        "INSERT INTO "
            + name
            + " AS t ("
            + list(columns)
            + ") SELECT "
            + list(columns)
            + " FROM "
            + staging()
            + " ORDER BY "
            + list(key)
            + " ON CONFLICT ("
            + list(key)
            + ") ";
    if (data.isEmpty()) {
      return counted(sql + "DO NOTHING");
    }
    sql += "DO UPDATE SET " + set;
    if (!compared.isEmpty()) {
      sql +=
          " WHERE ("
              + prefixed("t.", compared)
              + ") IS DISTINCT FROM ("
              + prefixed("EXCLUDED.", compared)
              + ")";
    }
    return counted(sql);
  }

  private static String counted(String upsert) {
    return "WITH w AS ("
        + upsert
        + " RETURNING (xmax = 0) AS inserted)"
        + " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM w";
  }

  /** Join condition on the natural key between aliases {@code a} and {@code b}. */
  String keyMatch(String a, String b) {
    return key.stream()
        .map(k -> a + "." + k + " = " + b + "." + k)
        .collect(Collectors.joining(" AND "));
  }

  private static String list(List<String> cols) {
    return String.join(", ", cols);
  }

  private static String prefixed(String prefix, List<String> cols) {
    return cols.stream().map(c -> prefix + c).collect(Collectors.joining(", "));
  }
}
