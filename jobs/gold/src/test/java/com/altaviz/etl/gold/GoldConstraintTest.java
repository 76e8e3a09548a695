package com.altaviz.etl.gold;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.SparkTestBase;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gold's write honours the constraints of the gold table, as Delta's writer enforces them. */
class GoldConstraintTest extends SparkTestBase {
  private static final LocalDate START = LocalDate.of(2024, 2, 1);

  @TempDir static Path dir;

  private static Dataset<Row> table(String lake) {
    return spark.read().format("delta").load(lake + "/gold/sensor_features");
  }

  /**
   * Gold writes through Delta's writer, which enforces the table's CHECK constraints: rows that
   * break one stop the run (exit 2, one line naming the constraint) and nothing is committed.
   */
  @Test
  void aRowBreakingACheckConstraintFailsTheRunAndCommitsNothing() {
    String lake = dir.resolve("constraint").toString();
    SyntheticLake.write(spark, lake, 3, 2, START, 13);
    assertThat(GoldJobTest.gold(lake, "--run-id", "all")).isZero();
    String goldTable = "delta.`" + lake + "/gold/sensor_features`";
    long violating = table(lake).where("NOT (vibration_1hr_mean < 5)").count();
    assertThat(violating).as("the fixture has rows the constraint rejects").isPositive();
    // the constraint can only be added to a table whose rows all satisfy it
    spark.sql(
        "DELETE FROM "
            + goldTable
            + " WHERE NOT (vibration_1hr_mean < 5)"
            + " OR vibration_1hr_mean IS NULL");
    spark.sql("ALTER TABLE " + goldTable + " ADD CONSTRAINT vib_ok CHECK (vibration_1hr_mean < 5)");
    DeltaTable gold = DeltaTable.forPath(spark, lake + "/gold/sensor_features");
    long version = gold.history(1).select("version").first().getLong(0);
    Dataset<Row> before = table(lake).localCheckpoint(true);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.err;
    int code;
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      code = GoldJobTest.gold(lake, "--run-id", "again");
    } finally {
      System.setErr(old);
    }
    assertThat(code).as("exit code").isEqualTo(2);
    List<String> errors =
        buf.toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.startsWith("altaviz-gold: error: "))
            .toList();
    assertThat(errors)
        .as("one error line naming the constraint")
        .singleElement()
        .asString()
        .contains("CHECK constraint vib_ok (vibration_1hr_mean < 5) violated")
        .contains(lake + "/gold/sensor_features");
    assertThat(gold.history(1).select("version").first().getLong(0))
        .as("the table stays at its version")
        .isEqualTo(version);
    assertThat(table(lake).exceptAll(before).count()).as("rows not there before").isZero();
    assertThat(before.exceptAll(table(lake)).count()).as("rows lost").isZero();
  }
}
