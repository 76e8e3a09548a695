package com.altaviz.etl.silver;

import static com.altaviz.etl.silver.Fixtures.bronze;
import static com.altaviz.etl.silver.Fixtures.reading;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.SparkTestBase;
import org.junit.jupiter.api.Test;

/** Rule 4: the most recent delivery of a (compressor_id, timestamp) wins, deterministically. */
class DeduplicationTest extends SparkTestBase {
  static final String T = "2024-02-01T10:00:00Z";

  @Test
  void duplicatesWithDifferentValuesKeepTheLatestIngestedDelivery() {
    var df =
        Deduplication.flag(
            bronze(
                spark,
                reading("COMP-001", T).vibration(3.0).ingested("2024-02-02T01:00:00Z"),
                reading("COMP-001", T).vibration(3.5).ingested("2024-02-03T01:00:00Z"),
                reading("COMP-001", T).vibration(3.2).ingested("2024-02-02T05:00:00Z"),
                reading("COMP-001", "2024-02-01T10:10:00Z").vibration(3.1)),
            lit(true));
    assertThat(
            df.where(col("_flag_duplicates").equalTo(false))
                .orderBy("timestamp")
                .select("vibration_mms")
                .collectAsList())
        .extracting(r -> r.getDouble(0))
        .containsExactly(3.5, 3.1);
    assertThat(
            df.where(col("_flag_duplicates"))
                .select("_reason_duplicates")
                .distinct()
                .first()
                .getString(0))
        .isEqualTo(
            "superseded by the delivery in "
                + "file:/raw/sensor_readings/date=2024-02-01/part-00000.parquet ingested at "
                + "2024-02-03T01:00:00.000000Z");
  }

  @Test
  void tiesAreBrokenByLaterLandingFolderThenGreaterFileName() {
    String at = "2024-02-02T01:00:00Z";
    var df =
        Deduplication.flag(
            bronze(
                spark,
                reading("COMP-001", T).vibration(1.0).ingested(at).landed("2024-02-01").file("b"),
                reading("COMP-001", T).vibration(2.0).ingested(at).landed("2024-02-02").file("a"),
                reading("COMP-002", T).vibration(3.0).ingested(at).landed("2024-02-01").file("a"),
                reading("COMP-002", T).vibration(4.0).ingested(at).landed("2024-02-01").file("b")),
            lit(true));
    assertThat(
            df.where(col("_flag_duplicates").equalTo(false))
                .orderBy("compressor_id")
                .select("vibration_mms")
                .collectAsList())
        .extracting(r -> r.getDouble(0))
        .containsExactly(2.0, 4.0);
  }

  @Test
  void ineligibleRowsNeitherWinNorLose() {
    var df =
        Deduplication.flag(
            bronze(
                spark,
                reading("COMP-001", T).vibration(9.0).ingested("2024-02-09T00:00:00Z"),
                reading("COMP-001", T).vibration(3.0)),
            col("vibration_mms").lt(5));
    assertThat(
            df.orderBy("vibration_mms").select("vibration_mms", "_flag_duplicates").collectAsList())
        .extracting(Object::toString)
        .containsExactly("[3.0,false]", "[9.0,false]");
  }
}
