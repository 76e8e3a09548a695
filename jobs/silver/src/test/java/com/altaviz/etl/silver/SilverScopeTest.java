package com.altaviz.etl.silver;

import static com.altaviz.etl.silver.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which bronze rows a run looks at, and the replace predicates of its outputs. */
class SilverScopeTest extends SparkTestBase {
  static final SilverScope.Spec SPEC =
      new SilverScope.Spec(
          new Interval(
              Instant.parse("2024-02-01T00:00:00Z"), Instant.parse("2024-02-03T00:00:00Z")),
          Duration.ofHours(24),
          Duration.ofHours(2),
          Duration.ofMinutes(5),
          true);

  @Test
  void rowsAreScopedByTimestampAndLandingFolder() {
    var bronze =
        Fixtures.bronze(
            spark,
            reading("A", "2024-02-01T00:00:00Z"), // range (first instant)
            reading("B", "2024-02-02T23:50:00Z").landed("2024-02-03"), // range, landed late
            reading("C", "2024-02-03T00:00:00Z"), // context (end excluded)
            reading("D", "2024-01-31T22:00:00Z"), // context before
            reading("E", "2024-01-31T21:59:00Z"), // outside, other folder
            reading("F", "2024-02-03T00:06:00Z").landed("2024-02-02"), // future
            reading("G", "2024-02-03T00:05:00Z").landed("2024-02-02"), // within skew: context
            reading("H", "2024-02-09T00:00:00Z").landed("2024-02-01"), // future
            reading("I", null).landed("2024-02-02"), // nullts
            reading("J", null).landed("2024-02-03"), // another run's
            reading("K", "2024-01-20T00:00:00Z").landed("2024-02-02"), // too late
            reading("L", "2024-02-04T00:00:00Z").landed("2024-02-04"), // outside
            reading("M", "0001-01-01T00:00:00Z").landed("2024-02-02"), // unset clock: future
            reading("N", "1970-01-01T00:00:00Z").landed("2024-02-02"), // too late
            reading("O", "0001-01-01T00:00:00Z").landed("2024-02-03"), // another run's
            reading("P", "2024-01-20T00:00:00Z").landed("2024-02-01"), // lookback folder: not ours
            reading("Q", "0001-01-01T00:00:00Z").landed("2024-02-01")); // lookback folder: future
    assertThat(
            SilverScope.select(bronze, SPEC)
                .orderBy("compressor_id")
                .select("compressor_id", "_scope")
                .collectAsList())
        .extracting(Object::toString)
        .containsExactly(
            "[A,range]",
            "[B,range]",
            "[C,context]",
            "[D,context]",
            "[F,future]",
            "[G,context]",
            "[H,future]",
            "[I,nullts]",
            "[K,too_late]",
            "[M,future]",
            "[N,too_late]",
            "[Q,future]");
    var warn =
        new SilverScope.Spec(SPEC.processed(), SPEC.lookback(), SPEC.context(), SPEC.skew(), false);
    assertThat(
            SilverScope.select(bronze, warn)
                .where("_scope = 'deferred'")
                .select("compressor_id")
                .collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("F", "H", "M", "Q");
  }

  /**
   * A run reads its interval's part of bronze, not the history: bronze folders of other days whose
   * readings are far from the range are never opened (their files are garbage here, so reading one
   * would fail the query), while late arrivals in a later folder still are.
   */
  @Test
  void aRunDoesNotReadOtherDaysOfBronze(@TempDir Path dir) throws IOException {
    String path = dir.resolve("bronze").toString();
    Fixtures.bronze(
            spark,
            reading("A", "2024-02-01T06:00:00Z").landed("2024-02-01"), // range
            reading("K", "2024-01-20T00:00:00Z").landed("2024-02-02"), // too late
            reading("L", "2024-02-02T12:00:00Z").landed("2024-02-05"), // range, landed days later
            reading("X", "2024-01-10T00:00:00Z").landed("2024-01-10"), // history
            reading("Y", "2024-02-05T00:00:00Z").landed("2024-02-05"), // a later day
            reading("Z", "2024-01-31T00:00:00Z").landed("2024-01-31")) // the day before
        .write()
        .format("delta")
        .partitionBy("_landing_date")
        .save(path);
    for (String day : List.of("2024-01-10", "2024-01-31")) {
      try (Stream<Path> files = Files.list(dir.resolve("bronze/_landing_date=" + day))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
          Files.writeString(f, "not a Parquet file");
        }
      }
    }
    assertThat(
            SilverScope.select(DeltaIo.read(spark, path, OptionalLong.empty()), SPEC)
                .orderBy("compressor_id")
                .select("compressor_id", "_scope")
                .collectAsList())
        .extracting(Object::toString)
        .containsExactly("[A,range]", "[K,too_late]", "[L,range]");
  }

  @Test
  void withoutAnIntervalEveryRowIsInRange() {
    var bronze = Fixtures.bronze(spark, reading("A", "2030-01-01T00:00:00Z"), reading("B", null));
    var all =
        new SilverScope.Spec(
            Interval.ALL, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(5), true);
    assertThat(
            SilverScope.select(bronze, all)
                .orderBy("compressor_id")
                .select("_scope")
                .collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("range", "nullts");
  }

  @Test
  void replacePredicatesCoverExactlyWhatARunWrites() {
    assertThat(SilverScope.silverPredicate(SPEC.processed()))
        .isEqualTo(
            "date >= DATE '2024-02-01' AND date <= DATE '2024-02-02' AND timestamp >= TIMESTAMP "
                + "'2024-02-01 00:00' AND timestamp < TIMESTAMP '2024-02-03 00:00'");
    assertThat(SilverScope.quarantinePredicate(SPEC))
        .isEqualTo(
            "(timestamp >= TIMESTAMP '2024-02-01 00:00' AND timestamp < TIMESTAMP '2024-02-03 00:00')"
                + " OR (timestamp IS NULL AND _landing_date BETWEEN DATE '2024-02-01' AND DATE "
                + "'2024-02-02') OR (_landing_date BETWEEN DATE '2024-02-01' AND DATE '2024-02-02' "
                + "AND timestamp > TIMESTAMP '2024-02-03 00:05') OR (_landing_date BETWEEN DATE "
                + "'2024-02-01' AND DATE '2024-02-02' AND timestamp < TIMESTAMP '1970-01-01 00:00')");
    assertThat(SilverScope.silverPredicate(Interval.ALL)).isEqualTo("true");
  }
}
