package com.altaviz.etl.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.LakePaths;
import com.altaviz.etl.common.SparkTestBase;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceJobTest extends SparkTestBase {
  private static final String RETENTION_CHECK =
      "spark.databricks.delta.retentionDurationCheck.enabled";

  private static final StructType READINGS =
      new StructType()
          .add("compressor_id", DataTypes.StringType)
          .add("timestamp", DataTypes.TimestampType)
          .add("vibration_mms", DataTypes.DoubleType)
          .add("date", DataTypes.DateType);

  private static final StructType STATIONS =
      new StructType().add("station_id", DataTypes.StringType).add("region", DataTypes.StringType);

  /** A config of its own: only the session size matters here (the rest takes defaults). */
  private static String config(Path dir) throws Exception {
    Path file = dir.resolve("etl_config.yaml");
    Files.writeString(file, "spark:\n  shuffle_partitions: 2\n");
    return file.toString();
  }

  /** Three readings of COMP-00n on 2024-02-03, starting at hour {@code n}. */
  private static Dataset<Row> readings(int n) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      rows.add(
          RowFactory.create(
              String.format("COMP-%03d", n),
              Timestamp.valueOf(String.format("2024-02-03 %02d:%02d:00", n, i * 10)),
              1.5 + n + i / 10.0,
              Date.valueOf("2024-02-03")));
    }
    return spark.createDataFrame(rows, READINGS).coalesce(1);
  }

  /** {@code appends} single-file appends into one date partition: a small-files table. */
  private static void smallFilesTable(String path, int appends) {
    for (int n = 1; n <= appends; n++) {
      readings(n).write().format("delta").mode("append").partitionBy("date").save(path);
    }
  }

  @Test
  void optimizeCompactsSmallFilesIntoOneZOrderedFilePerPartition(@TempDir Path dir) {
    String path = dir.resolve("silver").toString();
    smallFilesTable(path, 4);
    assertThat(TableMaintenance.activeFiles(spark, path)).isEqualTo(4);

    String zOrdered = TableMaintenance.optimize(spark, path, "compressor_id");

    assertThat(zOrdered).isEqualTo("compressor_id");
    assertThat(TableMaintenance.activeFiles(spark, path)).isEqualTo(1);
    assertThat(TableMaintenance.rows(spark, path)).isEqualTo(12);
    Row op = DeltaTable.forPath(spark, path).history(1).select("operation").first();
    assertThat(op.getString(0)).isEqualTo("OPTIMIZE");
  }

  @Test
  void tablesWithoutTheColumnAreCompactedWithoutZOrder(@TempDir Path dir) {
    String path = dir.resolve("stations").toString();
    for (String id : List.of("ST-1", "ST-2", "ST-3")) {
      spark
          .createDataFrame(List.of(RowFactory.create(id, "Permian")), STATIONS)
          .write()
          .format("delta")
          .mode("append")
          .save(path);
    }

    assertThat(TableMaintenance.optimize(spark, path, "compressor_id")).isNull();
    assertThat(TableMaintenance.activeFiles(spark, path)).isEqualTo(1);
    assertThat(TableMaintenance.rows(spark, path)).isEqualTo(3);
  }

  @Test
  void aPartitionColumnIsNotZOrdered(@TempDir Path dir) {
    String path = dir.resolve("by_compressor").toString();
    readings(1).write().format("delta").partitionBy("compressor_id").save(path);
    readings(1).write().format("delta").mode("append").partitionBy("compressor_id").save(path);

    assertThat(TableMaintenance.optimize(spark, path, "compressor_id")).isNull();
    assertThat(TableMaintenance.activeFiles(spark, path)).isEqualTo(1);
  }

  @Test
  void vacuumWithinTheRetentionKeepsEveryVersionReadable(@TempDir Path dir) throws Exception {
    String path = dir.resolve("silver").toString();
    smallFilesTable(path, 3);
    TableMaintenance.optimize(spark, path, "compressor_id");
    long stored = TableMaintenance.filesInStorage(spark, path);

    TableMaintenance.vacuum(spark, path, 168);

    // the compacted-away files are minutes old: inside the 7-day window, so they stay
    assertThat(stored).isEqualTo(4);
    assertThat(TableMaintenance.filesInStorage(spark, path)).isEqualTo(4);
    long v0 = spark.read().format("delta").option("versionAsOf", 0).load(path).count();
    assertThat(v0).isEqualTo(3);
  }

  @Test
  void vacuumWithZeroRetentionDeletesReplacedFilesAndKeepsTheLatestVersion(@TempDir Path dir)
      throws Exception {
    String path = dir.resolve("gold").toString();
    smallFilesTable(path, 3);
    List<Row> before =
        spark
            .read()
            .format("delta")
            .load(path)
            .orderBy("compressor_id", "timestamp")
            .collectAsList();
    TableMaintenance.optimize(spark, path, "compressor_id");
    spark.conf().set(RETENTION_CHECK, "false");
    try {
      TableMaintenance.vacuum(spark, path, 0);
    } finally {
      spark.conf().unset(RETENTION_CHECK);
    }

    assertThat(TableMaintenance.filesInStorage(spark, path)).isEqualTo(1);
    List<Row> after =
        spark
            .read()
            .format("delta")
            .load(path)
            .orderBy("compressor_id", "timestamp")
            .collectAsList();
    assertThat(after).containsExactlyElementsOf(before);
    // the pre-OPTIMIZE versions referenced the deleted files: time travel there now fails
    assertThatThrownBy(
            () -> spark.read().format("delta").option("versionAsOf", 0).load(path).collectAsList())
        .hasMessageContaining("part-");
  }

  @Test
  void jobMaintainsEveryExistingLakeTableAndRecordsOneLedgerRow(@TempDir Path dir)
      throws Exception {
    LakePaths lake = new LakePaths(dir.resolve("lake").toString());
    // bronze readings are append-only; OPTIMIZE must still be allowed (dataChange=false)
    DeltaTable.create(spark)
        .location(lake.bronzeReadings())
        .addColumns(READINGS)
        .partitionedBy("date")
        .property("delta.appendOnly", "true")
        .execute();
    smallFilesTable(lake.bronzeReadings(), 3);
    smallFilesTable(lake.goldFeatures(), 5);

    int exit =
        JobLauncher.run(
            new MaintenanceJob(),
            "--config",
            config(dir),
            "--lake",
            lake.root(),
            "--run-id",
            "maint-test-1");

    assertThat(exit).isZero();
    assertThat(TableMaintenance.activeFiles(spark, lake.bronzeReadings())).isEqualTo(1);
    assertThat(TableMaintenance.activeFiles(spark, lake.goldFeatures())).isEqualTo(1);
    assertThat(TableMaintenance.rows(spark, lake.goldFeatures())).isEqualTo(15);
    List<Row> optimizeCommits =
        DeltaTable.forPath(spark, lake.goldFeatures())
            .history()
            .where("operation = 'OPTIMIZE'")
            .select("userMetadata")
            .collectAsList();
    assertThat(optimizeCommits).containsExactly(RowFactory.create("maint-test-1"));
    List<Row> ledger =
        spark
            .read()
            .format("delta")
            .load(lake.pipelineRuns())
            .select("run_id", "stage", "status", "rows_in", "rows_out", "output_table")
            .collectAsList();
    assertThat(ledger)
        .containsExactly(
            RowFactory.create("maint-test-1", "maintenance", "success", 24L, 24L, lake.root()));
  }

  @Test
  void aRetentionBelowDeltasMinimumIsAUsageErrorBeforeAnyTableIsTouched(@TempDir Path dir)
      throws Exception {
    LakePaths lake = new LakePaths(dir.resolve("lake").toString());
    smallFilesTable(lake.silverReadings(), 3);

    int exit =
        JobLauncher.run(
            new MaintenanceJob(),
            "--config",
            config(dir),
            "--lake",
            lake.root(),
            "--run-id",
            "maint-test-2",
            "--retention-hours",
            "24");

    assertThat(exit).isEqualTo(2);
    assertThat(TableMaintenance.activeFiles(spark, lake.silverReadings())).isEqualTo(3);
    Row row =
        spark.read().format("delta").load(lake.pipelineRuns()).select("stage", "status").first();
    assertThat(row).isEqualTo(RowFactory.create("maintenance", "failed"));
  }
}
