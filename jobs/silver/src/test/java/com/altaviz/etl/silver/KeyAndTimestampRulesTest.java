package com.altaviz.etl.silver;

import static com.altaviz.etl.silver.Fixtures.bronze;
import static com.altaviz.etl.silver.Fixtures.reading;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.SparkTestBase;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Rules 2 and 3 on their own fixtures. */
class KeyAndTimestampRulesTest extends SparkTestBase {

  @Test
  void nullKeysAreFlaggedWithWhatIsMissing() {
    var df =
        KeyRules.flagNullKeys(
            bronze(
                spark,
                reading("COMP-001", "2024-02-01T00:00:00Z"),
                reading(null, "2024-02-01T00:10:00Z"),
                reading("COMP-001", null),
                reading(null, null)));
    assertThat(df.select("_flag_null_keys", "_reason_null_keys").collectAsList())
        .extracting(Object::toString)
        .containsExactly(
            "[false,null]",
            "[true,compressor_id is null]",
            "[true,timestamp is null]",
            "[true,compressor_id and timestamp are null]");
  }

  @Test
  void anUnknownCompressorIsOneMissingFromTheFleetMetadata() {
    var df =
        KeyRules.flagUnknownCompressor(
            bronze(
                spark,
                reading("COMP-001", "2024-02-01T00:00:00Z"),
                reading("COMP-999", "2024-02-01T00:00:00Z"),
                reading(null, "2024-02-01T00:00:00Z")),
            Fixtures.fleet(spark, "COMP-001", "COMP-002", "COMP-001"));
    assertThat(
            df.orderBy(col("compressor_id").asc_nulls_last())
                .select("compressor_id", "_flag_unknown_compressor", "_reason_unknown_compressor")
                .collectAsList())
        .extracting(Object::toString)
        .containsExactly(
            "[COMP-001,false,null]",
            "[COMP-999,true,compressor_id COMP-999 is not in bronze/compressor_metadata]",
            "[null,false,null]");
  }

  @Test
  void aTimestampMoreThanTheSkewAfterTheIntervalEndIsFuture() {
    Instant end = Instant.parse("2024-02-02T00:00:00Z");
    var df =
        FutureTimestamps.flag(
            bronze(
                spark,
                reading("COMP-001", "2024-02-01T23:50:00Z").landed("2024-02-01"),
                reading("COMP-001", "2024-02-02T00:05:00Z").landed("2024-02-01"),
                reading("COMP-001", "2024-02-02T00:05:00.000001Z").landed("2024-02-01"),
                reading("COMP-001", "2024-02-02T00:06:00Z").landed("2024-02-01")),
            end,
            Duration.ofMinutes(5),
            lit(true));
    assertThat(df.orderBy("timestamp").select("_flag_future_timestamp").collectAsList())
        .extracting(r -> r.getBoolean(0))
        .containsExactly(false, false, true, true);
    assertThat(
            df.where(col("_flag_future_timestamp"))
                .orderBy("timestamp")
                .select("_reason_future_timestamp")
                .collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly(
            "timestamp 2024-02-02T00:05:00.000001Z is later than the interval end"
                + " 2024-02-02T00:00:00Z + 5 min clock-skew tolerance",
            "timestamp 2024-02-02T00:06:00Z is later than the interval end 2024-02-02T00:00:00Z"
                + " + 5 min clock-skew tolerance");
  }

  @Test
  void aTimestampBeforeTheEpochIsAnUnsetClockWithOrWithoutAnInterval() {
    var readings =
        bronze(
            spark,
            reading("COMP-001", "0001-01-01T00:00:00Z").landed("2024-02-01"),
            reading("COMP-001", "1899-12-31T23:59:59Z").landed("2024-02-01"),
            reading("COMP-001", "1969-12-31T23:59:59.999999Z").landed("2024-02-01"),
            reading("COMP-001", "1970-01-01T00:00:00Z").landed("2024-02-01"));
    for (Instant end : new Instant[] {Instant.parse("2024-02-02T00:00:00Z"), null}) {
      var df = FutureTimestamps.flag(readings, end, Duration.ofMinutes(5), lit(true));
      assertThat(
              df.orderBy("timestamp")
                  .select("_flag_future_timestamp", "_reason_future_timestamp")
                  .collectAsList())
          .extracting(Object::toString)
          .containsExactly(
              "[true,timestamp 0001-01-01T00:00:00Z is before 1970-01-01]",
              "[true,timestamp 1899-12-31T23:59:59Z is before 1970-01-01]",
              "[true,timestamp 1969-12-31T23:59:59.999999Z is before 1970-01-01]",
              "[false,null]");
    }
  }

  @Test
  void aReadingLaterThanItsLandingDayArrivedBeforeItWasTaken() {
    Instant end = Instant.parse("2024-02-05T00:00:00Z");
    var df =
        FutureTimestamps.flag(
            bronze(
                spark,
                // landed Feb 1, stamped Feb 3: future although inside the interval
                reading("COMP-001", "2024-02-03T12:00:00Z").landed("2024-02-01"),
                // a late reading: older than its landing day, fine
                reading("COMP-001", "2024-02-01T23:50:00Z").landed("2024-02-02"),
                // the reference does not apply (context row), landing day + skew does
                reading("COMP-002", "2024-02-05T01:00:00Z").landed("2024-02-05")),
            end,
            Duration.ofMinutes(5),
            col("compressor_id").notEqual("COMP-002"));
    assertThat(
            df.orderBy("compressor_id", "timestamp")
                .select("_flag_future_timestamp", "_reason_future_timestamp")
                .collectAsList())
        .extracting(Object::toString)
        .containsExactly(
            "[false,null]",
            "[true,timestamp 2024-02-03T12:00:00Z is later than the end of its landing day "
                + "2024-02-01 + 5 min clock-skew tolerance (it arrived before it was taken)]",
            "[false,null]");
  }
}
