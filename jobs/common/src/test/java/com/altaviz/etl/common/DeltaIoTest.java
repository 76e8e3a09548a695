package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delta writes return the version they committed, tagged with the run id; reads time-travel. */
class DeltaIoTest extends SparkTestBase {
  @TempDir Path dir;

  private Dataset<Row> rows(String sql) {
    return spark.sql(sql);
  }

  private String table() {
    return dir.resolve("t").toString();
  }

  @Test
  void appendReturnsEachCommittedVersionAndReadsTimeTravel() {
    assertThat(DeltaIo.exists(spark, table())).isFalse();
    assertThat(DeltaIo.latestVersion(spark, table())).isEmpty();
    long v0 = DeltaIo.append(rows("SELECT id FROM range(3)"), table(), "run-a");
    long v1 = DeltaIo.append(rows("SELECT id FROM range(10, 12)"), table(), "run-b");
    assertThat(v0).isZero();
    assertThat(v1).isEqualTo(1);
    assertThat(DeltaIo.latestVersion(spark, table())).hasValue(1);
    assertThat(ids(DeltaIo.read(spark, table(), OptionalLong.of(0)))).containsExactly(0L, 1L, 2L);
    assertThat(ids(DeltaIo.read(spark, table(), OptionalLong.empty())))
        .containsExactly(0L, 1L, 2L, 10L, 11L);
  }

  @Test
  void commitsCarryTheRunIdAsUserMetadata() {
    DeltaIo.append(rows("SELECT id FROM range(3)"), table(), "run-a");
    DeltaIo.append(rows("SELECT id FROM range(3)"), table(), "run-b");
    List<String> meta =
        DeltaTable.forPath(spark, table())
            .history()
            .orderBy("version")
            .select("userMetadata")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList();
    assertThat(meta).containsExactly("run-a", "run-b");
    // A later commit by another run does not change which version "run-a" committed.
    assertThat(DeltaIo.committedVersion(spark, table(), "run-a")).isZero();
    assertThat(DeltaIo.committedVersion(spark, table(), "run-b")).isEqualTo(1);
    assertThat(DeltaIo.committedVersion(spark, table(), "run-c")).isEqualTo(1); // none: latest
    DeltaIo.append(rows("SELECT id FROM range(5)"), table(), "run-c");
    assertThat(DeltaIo.committedRows(spark, table(), 1)).isEqualTo(3);
    assertThat(DeltaIo.committedRows(spark, table(), 2)).isEqualTo(5);
    assertThat(DeltaIo.committedRows(spark, table(), 7)).isEqualTo(-1); // no such commit
    assertThat(DeltaIo.dataCommitsSince(spark, table(), 0))
        .extracting(DeltaIo.Commit::version, DeltaIo.Commit::runId)
        .containsExactly(tuple(1L, "run-b"), tuple(2L, "run-c"));
    assertThat(DeltaIo.dataCommitsSince(spark, table(), 2)).isEmpty();
  }

  @Test
  void aRangeOfWholeDaysIsItsDatePartitionsAndAnyOtherRangeAlsoCutsByTimestamp() {
    Interval days =
        new Interval(Instant.parse("2024-02-07T00:00:00Z"), Instant.parse("2024-02-09T00:00:00Z"));
    assertThat(DeltaIo.dateRangePredicate(days, "timestamp"))
        .isEqualTo("date >= DATE '2024-02-07' AND date <= DATE '2024-02-08'");
    Interval hours =
        new Interval(Instant.parse("2024-02-07T06:00:00Z"), Instant.parse("2024-02-08T00:00:00Z"));
    assertThat(DeltaIo.dateRangePredicate(hours, "timestamp"))
        .isEqualTo(
            "date >= DATE '2024-02-07' AND date <= DATE '2024-02-07' AND timestamp >= "
                + "TIMESTAMP '2024-02-07 06:00' AND timestamp < TIMESTAMP '2024-02-08 00:00'");
    assertThat(DeltaIo.dateRangePredicate(Interval.ALL, "timestamp")).isEqualTo("true");
  }

  @Test
  void replaceWhereCreatesThenReplacesExactlyTheMatchingRows() {
    long v0 =
        DeltaIo.replaceWhere(
            rows("SELECT id, id % 2 AS part FROM range(6)"), table(), "part = 0", "run-a", "part");
    assertThat(v0).isZero();
    long v1 =
        DeltaIo.replaceWhere(
            rows("SELECT 100 + id AS id, 0L AS part FROM range(2)"),
            table(),
            "part = 0",
            "run-b",
            "part");
    assertThat(v1).isEqualTo(1);
    assertThat(ids(DeltaIo.read(spark, table(), OptionalLong.empty())))
        .containsExactly(1L, 3L, 5L, 100L, 101L);
    assertThat(
            DeltaTable.forPath(spark, table())
                .detail()
                .select("partitionColumns")
                .first()
                .getList(0))
        .containsExactly("part");
  }

  @Test
  void overwriteReplacesEverythingIncludingTheSchema() {
    DeltaIo.append(rows("SELECT id FROM range(3)"), table(), "run-a");
    long v = DeltaIo.overwrite(rows("SELECT 7L AS id, 'x' AS name"), table(), "run-b");
    assertThat(v).isEqualTo(1);
    Dataset<Row> now = DeltaIo.read(spark, table(), OptionalLong.empty());
    assertThat(now.columns()).containsExactly("id", "name");
    assertThat(ids(now)).containsExactly(7L);
  }

  @Test
  void readingAMissingTableIsABadInputError() {
    assertThatThrownBy(() -> DeltaIo.read(spark, table(), OptionalLong.empty()))
        .isInstanceOf(EtlException.class)
        .hasMessage("input Delta table does not exist: " + table())
        .satisfies(e -> assertThat(((EtlException) e).exitCode()).isEqualTo(ExitCode.USAGE));
  }

  /** What a first write killed before its commit leaves: a log directory without a commit. */
  private void interruptedFirstWrite() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("t/_delta_log/_commits"));
  }

  @Test
  void anInterruptedFirstWriteLeavesNoTableAndTheRetryCreatesIt() throws Exception {
    interruptedFirstWrite();
    assertThat(DeltaIo.exists(spark, table())).isFalse();
    assertThat(DeltaIo.latestVersion(spark, table())).isEmpty();
    assertThat(
            DeltaIo.replaceWhere(
                rows("SELECT id, id % 2 AS day FROM range(2)"), table(), "day = 0", "r", "day"))
        .isZero();
    assertThat(ids(DeltaIo.read(spark, table(), OptionalLong.empty()))).containsExactly(0L, 1L);
  }

  @Test
  void anInterruptedFirstAppendIsRetried() throws Exception {
    interruptedFirstWrite();
    assertThat(DeltaIo.append(rows("SELECT id FROM range(3)"), table(), "r")).isZero();
    assertThat(ids(DeltaIo.read(spark, table(), OptionalLong.empty()))).containsExactly(0L, 1L, 2L);
  }

  private static List<Long> ids(Dataset<Row> df) {
    return df.orderBy("id").select("id").collectAsList().stream().map(r -> r.getLong(0)).toList();
  }
}
