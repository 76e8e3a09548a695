package com.altaviz.etl.export;

import static com.altaviz.etl.export.GoldFixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.altaviz.etl.common.SparkTestBase;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Exact hourly, 4-hourly and daily aggregates of a hand-made gold fixture. */
class SensorAggregatesTest extends SparkTestBase {
  private static Map<String, Row> agg;

  @BeforeAll
  static void aggregate() {
    List<GoldFixtures.Reading> readings =
        List.of(
            reading("COMP-001", "2024-02-01T00:00:00Z", 2.0, 200.0, 50.0, 1000.0, 1400.0, 10000.0),
            reading("COMP-001", "2024-02-01T00:10:00Z", 4.0, 210.0, 52.0, 1010.0, 1410.0, 10100.0),
            // vibration rejected by silver: counted as a reading, ignored by the vibration stats
            reading("COMP-001", "2024-02-01T00:20:00Z", null, 220.0, 54.0, 1020.0, 1420.0, 10200.0),
            reading("COMP-001", "2024-02-01T01:00:00Z", 3.0, 230.0, 56.0, 1030.0, 1430.0, 10300.0),
            reading("COMP-001", "2024-02-01T04:30:00Z", 5.0, 190.0, 58.0, 1040.0, 1440.0, 10400.0),
            reading("COMP-001", "2024-02-02T00:00:00Z", 1.0, 180.0, 60.0, 1050.0, 1450.0, 10500.0),
            reading(
                "COMP-002",
                "2024-02-01T03:59:59.999999Z",
                7.0,
                250.0,
                40.0,
                1200.0,
                1300.0,
                9000.0));
    agg = new TreeMap<>();
    for (Row r : SensorAggregates.compute(GoldFixtures.gold(spark, readings), 10).collectAsList()) {
      Timestamp bucket = r.getAs("agg_timestamp");
      agg.put(
          r.getAs("compressor_id") + " " + r.getAs("window_type") + " " + bucket.toInstant(), r);
    }
  }

  @Test
  void producesOneRowPerCompressorWindowTypeAndUtcAlignedBucket() {
    assertThat(agg.keySet())
        .containsExactly(
            "COMP-001 1hr 2024-02-01T00:00:00Z",
            "COMP-001 1hr 2024-02-01T01:00:00Z",
            "COMP-001 1hr 2024-02-01T04:00:00Z",
            "COMP-001 1hr 2024-02-02T00:00:00Z",
            "COMP-001 24hr 2024-02-01T00:00:00Z",
            "COMP-001 24hr 2024-02-02T00:00:00Z",
            "COMP-001 4hr 2024-02-01T00:00:00Z",
            "COMP-001 4hr 2024-02-01T04:00:00Z",
            "COMP-001 4hr 2024-02-02T00:00:00Z",
            "COMP-002 1hr 2024-02-01T03:00:00Z",
            "COMP-002 24hr 2024-02-01T00:00:00Z",
            "COMP-002 4hr 2024-02-01T00:00:00Z");
    assertThat(agg.values().iterator().next().schema().fieldNames())
        .containsExactlyElementsOf(SensorAggregates.columns());
  }

  @Test
  void hourlyBucketHasExactStatisticsPerSensorIgnoringNulls() {
    Row h = agg.get("COMP-001 1hr 2024-02-01T00:00:00Z");
    assertThat(h.<Integer>getAs("reading_count")).isEqualTo(3);
    assertThat(h.<Integer>getAs("missing_readings")).isEqualTo(3);
    stats(h, "vibration_mms", 3.0, Math.sqrt(2.0), 2.0, 4.0);
    stats(h, "discharge_temp_f", 210.0, 10.0, 200.0, 220.0);
    stats(h, "suction_pressure_psi", 52.0, 2.0, 50.0, 54.0);
    stats(h, "discharge_pressure_psi", 1010.0, 10.0, 1000.0, 1020.0);
    stats(h, "horsepower_consumption", 1410.0, 10.0, 1400.0, 1420.0);
    stats(h, "gas_flow_mcf", 10100.0, 100.0, 10000.0, 10200.0);

    Row single = agg.get("COMP-001 1hr 2024-02-01T01:00:00Z");
    assertThat(single.<Integer>getAs("reading_count")).isEqualTo(1);
    assertThat(single.<Integer>getAs("missing_readings")).isEqualTo(5);
    // sample std of one value is undefined: null, not 0
    stats(single, "vibration_mms", 3.0, null, 3.0, 3.0);
  }

  @Test
  void fourHourBucketsStartAtMultiplesOfFourHoursUtc() {
    Row first = agg.get("COMP-001 4hr 2024-02-01T00:00:00Z");
    assertThat(first.<Integer>getAs("reading_count")).isEqualTo(4);
    assertThat(first.<Integer>getAs("missing_readings")).isEqualTo(20);
    stats(first, "vibration_mms", 3.0, 1.0, 2.0, 4.0);
    stats(first, "discharge_temp_f", 215.0, Math.sqrt(500.0 / 3), 200.0, 230.0);

    Row second = agg.get("COMP-001 4hr 2024-02-01T04:00:00Z");
    assertThat(second.<Integer>getAs("reading_count")).isEqualTo(1);
    assertThat(second.<Integer>getAs("missing_readings")).isEqualTo(23);
    stats(second, "vibration_mms", 5.0, null, 5.0, 5.0);

    // 03:59:59.999999 is still in the first bucket
    Row edge = agg.get("COMP-002 4hr 2024-02-01T00:00:00Z");
    assertThat(edge.<Integer>getAs("reading_count")).isEqualTo(1);
    stats(edge, "vibration_mms", 7.0, null, 7.0, 7.0);
  }

  @Test
  void dailyBucketCoversTheUtcDay() {
    Row day = agg.get("COMP-001 24hr 2024-02-01T00:00:00Z");
    assertThat(day.<Integer>getAs("reading_count")).isEqualTo(5);
    assertThat(day.<Integer>getAs("missing_readings")).isEqualTo(144 - 5);
    stats(day, "vibration_mms", 3.5, Math.sqrt(5.0 / 3), 2.0, 5.0);
    stats(day, "discharge_temp_f", 210.0, Math.sqrt(250.0), 190.0, 230.0);
    stats(day, "gas_flow_mcf", 10200.0, Math.sqrt(25000.0), 10000.0, 10400.0);

    Row next = agg.get("COMP-001 24hr 2024-02-02T00:00:00Z");
    assertThat(next.<Integer>getAs("reading_count")).isEqualTo(1);
    assertThat(next.<Integer>getAs("missing_readings")).isEqualTo(143);
    stats(next, "discharge_temp_f", 180.0, null, 180.0, 180.0);
  }

  private static void stats(Row r, String sensor, double mean, Double std, double min, double max) {
    String where =
        r.getAs("compressor_id")
            + " "
            + r.getAs("window_type")
            + " "
            + r.getAs("agg_timestamp")
            + " "
            + sensor;
    assertThat(r.<Double>getAs(sensor + "_mean")).as(where + " mean").isEqualTo(mean);
    assertThat(r.<Double>getAs(sensor + "_min")).as(where + " min").isEqualTo(min);
    assertThat(r.<Double>getAs(sensor + "_max")).as(where + " max").isEqualTo(max);
    if (std == null) {
      assertThat(r.<Double>getAs(sensor + "_std")).as(where + " std").isNull();
    } else {
      // sample std; Spark's streaming moment update may differ from the two-pass formula in
      // the last bits
      assertThat(r.<Double>getAs(sensor + "_std")).as(where + " std").isCloseTo(std, within(1e-9));
    }
  }
}
