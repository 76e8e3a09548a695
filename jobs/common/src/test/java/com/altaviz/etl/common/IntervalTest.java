package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Half-open UTC intervals as Spark predicates, at microsecond boundaries. */
class IntervalTest extends SparkTestBase {
  private static final Interval DAY = Interval.ofDate(LocalDate.parse("2024-02-03"));

  @Test
  void ofDateIsOneUtcDay() {
    assertThat(DAY.start()).isEqualTo(Instant.parse("2024-02-03T00:00:00Z"));
    assertThat(DAY.end()).isEqualTo(Instant.parse("2024-02-04T00:00:00Z"));
    assertThat(DAY.toString()).isEqualTo("[2024-02-03T00:00:00Z, 2024-02-04T00:00:00Z)");
    assertThat(Interval.ALL.toString()).isEqualTo("[all data]");
  }

  @Test
  void extendBackMovesOnlyTheStart() {
    assertThat(DAY.extendBack(Duration.ofHours(24)))
        .isEqualTo(
            new Interval(
                Instant.parse("2024-02-02T00:00:00Z"), Instant.parse("2024-02-04T00:00:00Z")));
    assertThat(Interval.ALL.extendBack(Duration.ofHours(24))).isSameAs(Interval.ALL);
  }

  @Test
  void sqlPredicateText() {
    assertThat(
            new Interval(
                    Instant.parse("2024-02-03T00:00:00Z"),
                    Instant.parse("2024-02-03T06:30:15.000123Z"))
                .sqlPredicate("timestamp"))
        .isEqualTo(
            "timestamp >= TIMESTAMP '2024-02-03 00:00' AND timestamp < TIMESTAMP '2024-02-03"
                + " 06:30:15.000123'");
    assertThat(Interval.ALL.sqlPredicate("timestamp")).isEqualTo("true");
  }

  @Test
  void containsAndSqlPredicateSelectTheSameHalfOpenRange() {
    Dataset<Row> df = boundaries();
    List<String> expected = List.of("start", "inside", "last microsecond");
    assertThat(labels(df.where(DAY.contains(functions.col("timestamp"))))).isEqualTo(expected);
    assertThat(labels(df.where(DAY.sqlPredicate("timestamp")))).isEqualTo(expected);
    assertThat(labels(df.where(Interval.ALL.contains(functions.col("timestamp"))))).hasSize(5);
  }

  private static Dataset<Row> boundaries() {
    StructType schema =
        new StructType()
            .add("label", DataTypes.StringType)
            .add("timestamp", DataTypes.TimestampType);
    return spark.createDataFrame(
        List.of(
            RowFactory.create("before", ts("2024-02-02T23:59:59.999999Z")),
            RowFactory.create("start", ts("2024-02-03T00:00:00Z")),
            RowFactory.create("inside", ts("2024-02-03T12:00:00Z")),
            RowFactory.create("last microsecond", ts("2024-02-03T23:59:59.999999Z")),
            RowFactory.create("end", ts("2024-02-04T00:00:00Z"))),
        schema);
  }

  private static List<String> labels(Dataset<Row> df) {
    return df.orderBy("timestamp").collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private static Timestamp ts(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }
}
