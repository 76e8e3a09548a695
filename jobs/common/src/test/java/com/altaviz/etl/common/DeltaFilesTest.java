package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small table read by Kernel on the driver equals Delta's own read, or is refused. */
class DeltaFilesTest extends SparkTestBase {
  @TempDir Path dir;

  private String table() {
    return dir.resolve("t").toString();
  }

  /** v0: days 1 and 2 (ids 0-5); v1: day 2 replaced by ids 20-21; v2: day 3 appended. */
  private void threeVersions() {
    DeltaIo.append(
        spark.sql("SELECT id, CAST(id % 2 + 1 AS INT) AS day FROM range(6)"), table(), "a", "day");
    DeltaIo.replaceWhere(
        spark.sql("SELECT id, 2 AS day FROM range(20, 22)"), table(), "day = 2", "b", "day");
    DeltaIo.append(spark.sql("SELECT 30L AS id, 3 AS day"), table(), "c", "day");
  }

  @Test
  void theLatestVersionReadsTheRowsDeltaReads() {
    threeVersions();
    // v1 removed day 2's first files: only the live ones are read
    assertThat(collectedIds(table())).containsExactly(0L, 2L, 4L, 20L, 21L, 30L);
    assertThat(collectedIds(table()))
        .isEqualTo(ids(DeltaIo.read(spark, table(), OptionalLong.empty())));
  }

  @Test
  void pathsAndPartitionValuesThatNeedEscapingAreRead() {
    String table = dir.resolve("a lake %/t").toString();
    DeltaIo.append(
        spark.sql("SELECT id, IF(id % 2 = 0, 'a b', 'c/d%e') AS p FROM range(6)"), table, "a", "p");
    assertThat(collectedIds(table)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    // a partition column lives in directory names, not in the files: Delta's reader reads it
    assertThat(DeltaFiles.collect(spark, table, List.of("id", "p"))).isEmpty();
  }

  @Test
  void tablesThatNeedDeltasReaderAreRefused() {
    spark.sql(
        "CREATE TABLE delta.`"
            + table()
            + "` (id BIGINT) USING delta "
            + "TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
    spark.sql("INSERT INTO delta.`" + table() + "` SELECT id FROM range(4)");
    assertThat(collectedIds(table())).containsExactly(0L, 1L, 2L, 3L);
    spark.sql("DELETE FROM delta.`" + table() + "` WHERE id = 1");
    assertThat(ids(DeltaIo.read(spark, table(), OptionalLong.empty()))).containsExactly(0L, 2L, 3L);
    // the file still holds id 1; only the deletion vector hides it
    assertThat(DeltaFiles.collect(spark, table(), List.of("id"))).isEmpty();

    String mapped = dir.resolve("mapped").toString();
    spark.sql(
        "CREATE TABLE delta.`"
            + mapped
            + "` (id BIGINT) USING delta TBLPROPERTIES ("
            + "'delta.columnMapping.mode' = 'name', 'delta.minReaderVersion' = '2', "
            + "'delta.minWriterVersion' = '5')");
    spark.sql("INSERT INTO delta.`" + mapped + "` SELECT id FROM range(2)");
    assertThat(DeltaFiles.collect(spark, mapped, List.of("id"))).isEmpty();
  }

  @Test
  void smallTablesAreCollectedWithJavaValues() {
    DeltaIo.append(
        spark.sql(
            "SELECT 'C1' AS id, 7 AS n, 1.5D AS x, TIMESTAMP '2024-02-01 06:30:00.000001' AS t, "
                + "true AS b UNION ALL SELECT NULL, NULL, NULL, NULL, NULL"),
        table(),
        "a");
    DeltaIo.append(
        spark.sql(
            "SELECT 'C2' AS id, 8 AS n, 2.5D AS x, TIMESTAMP '1969-12-31 23:59:59' AS t, "
                + "false AS b"),
        table(),
        "b");

    List<Object[]> rows =
        DeltaFiles.collect(spark, table(), List.of("t", "id", "n", "x", "b")).orElseThrow();

    assertThat(rows)
        .containsExactlyInAnyOrder(
            new Object[] {Instant.parse("2024-02-01T06:30:00.000001Z"), "C1", 7, 1.5, true},
            new Object[] {null, null, null, null, null},
            new Object[] {Instant.parse("1969-12-31T23:59:59Z"), "C2", 8, 2.5, false});
    assertThat(DeltaFiles.collect(spark, table(), List.of("id", "nope"))).isEmpty();
    assertThat(DeltaFiles.collect(spark, dir.resolve("none").toString(), List.of("id"))).isEmpty();
  }

  private List<Long> collectedIds(String table) {
    return DeltaFiles.collect(spark, table, List.of("id")).orElseThrow().stream()
        .map(r -> (Long) r[0])
        .sorted()
        .toList();
  }

  private static List<Long> ids(Dataset<Row> df) {
    return df.select("id").orderBy("id").collectAsList().stream().map(r -> r.getLong(0)).toList();
  }
}
