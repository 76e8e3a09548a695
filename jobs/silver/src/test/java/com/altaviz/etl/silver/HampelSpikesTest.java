package com.altaviz.etl.silver;

import static com.altaviz.etl.silver.Fixtures.reading;
import static com.altaviz.etl.silver.Fixtures.series;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Rule 6: the Hampel filter flags single spikes and leaves sustained changes alone. */
class HampelSpikesTest extends SparkTestBase {

  static Dataset<Row> run(List<Fixtures.Reading> readings, Column eligible) {
    return HampelSpikes.flag(
        Fixtures.bronze(spark, readings.toArray(Fixtures.Reading[]::new)),
        Schemas.SENSOR_COLUMNS,
        7,
        4.0,
        eligible);
  }

  /** Vibration values of the rows whose vibration was flagged, in time order. */
  static List<Double> spikes(Dataset<Row> df) {
    return df.where(size(col("_spike_flags")).gt(0))
        .orderBy("compressor_id", "timestamp")
        .select("vibration_mms")
        .as(org.apache.spark.sql.Encoders.DOUBLE())
        .collectAsList();
  }

  @Test
  void aSingleSpikeIsFlaggedWithItsMedianAndLimit() {
    var df =
        run(
            series(
                "COMP-001",
                "2024-02-01T00:00:00Z",
                3.00,
                3.03,
                2.97,
                3.00,
                4.50,
                3.01,
                2.98,
                3.02,
                3.00),
            lit(true));
    assertThat(spikes(df)).containsExactly(4.50);
    Row flag =
        df.where(size(col("_spike_flags")).gt(0))
            .first()
            .<scala.collection.Seq<Row>>getAs("_spike_flags")
            .apply(0);
    assertThat(flag.getString(0)).isEqualTo("spike");
    assertThat(flag.getString(1)).isEqualTo("vibration_mms");
    assertThat(flag.getDouble(2)).isEqualTo(4.50);
    // window 3.03 2.97 3.00 4.50 3.01 2.98 3.02: median 3.01, MAD 0.02; the median of the nine
    // window MADs is 0.015 (checked with a NumPy re-implementation)
    assertThat(flag.getString(3))
        .isEqualTo(
            "vibration_mms = 4.5 deviates 1.49 from the median"
                + " 3.01 of 7 readings around it (limit 4 x 1.4826 x max(window MAD 0.02, typical MAD"
                + " 0.015) = 0.11861)");
  }

  @Test
  void aVerdictDoesNotDependOnTheOtherDaysARunReads() {
    // day 1: quiet, with one 0.11 excursion; day 2: very noisy. A floor taken over everything
    // read would be day 2's and hide the excursion in a two-day run but not in a one-day run.
    List<Fixtures.Reading> day1 =
        series(
            "COMP-001",
            "2024-02-01T22:30:00Z",
            3.00,
            3.01,
            2.99,
            3.00,
            3.11,
            3.00,
            2.99,
            3.01,
            3.00);
    List<Fixtures.Reading> both = new ArrayList<>(day1);
    double[] noisy = new double[30];
    for (int i = 0; i < noisy.length; i++) {
      noisy[i] = 2.0 + i % 5; // window MADs of 1
    }
    both.addAll(series("COMP-001", "2024-02-02T00:00:00Z", noisy));
    assertThat(spikes(run(day1, lit(true)))).containsExactly(3.11);
    assertThat(spikes(run(both, lit(true)))).containsExactly(3.11);
  }

  @Test
  void aQuantisedFlatWindowDoesNotMakeEveryWiggleASpike() {
    // MAD is 0 here (most values equal the median); the mean absolute deviation scales instead
    var df =
        run(
            series(
                "COMP-001",
                "2024-02-01T00:00:00Z",
                3.01,
                3.01,
                3.02,
                3.02,
                3.01,
                3.00,
                3.01,
                3.01,
                3.01),
            lit(true));
    assertThat(spikes(df)).isEmpty();
    var flat = run(series("COMP-001", "2024-02-01T00:00:00Z", 1, 1, 1, 5, 1, 1, 1), lit(true));
    assertThat(spikes(flat)).containsExactly(5.0);
    assertThat(
            flat.where(size(col("_spike_flags")).gt(0))
                .first()
                .<scala.collection.Seq<Row>>getAs("_spike_flags")
                .apply(0)
                .getString(3))
        .isEqualTo(
            "vibration_mms = 5 deviates 4 from the median 1 of 7 readings around it "
                + "(limit 4 x 1.2533 x mean absolute deviation 0.57143 (MAD is 0) = 2.8647)");
  }

  @Test
  void aQuietWindowDoesNotTurnOrdinaryNoiseIntoASpike() {
    // 3.06 is 2 sigma of the series' noise, but the window around it happens to be quiet
    // (3.00 3.00 3.01 3.06 3.00 3.01 3.00: MAD 0), so the classic filter would flag it
    List<Fixtures.Reading> rows =
        series(
            "COMP-001",
            "2024-02-01T00:00:00Z",
            3.03,
            2.97,
            3.02,
            2.98,
            3.04,
            2.96,
            3.00,
            3.00,
            3.01,
            3.06,
            3.00,
            3.01,
            3.00,
            2.97,
            3.03,
            2.96,
            3.04,
            2.98,
            3.02);
    assertThat(spikes(run(rows, lit(true)))).isEmpty();
  }

  @Test
  void aSustainedStepOfFortyPercentOnADegradingCompressorSurvives() {
    // ~3.0 mm/s, then +40% from the 8th reading on, with the usual ±1% noise
    var df =
        run(
            series(
                "COMP-003",
                "2024-02-03T00:00:00Z",
                3.00,
                3.03,
                2.97,
                3.01,
                2.99,
                3.02,
                2.98,
                4.20,
                4.24,
                4.17,
                4.21,
                4.19,
                4.23,
                4.18,
                4.22,
                4.20),
            lit(true));
    assertThat(spikes(df)).isEmpty();
  }

  @Test
  void aSpikeOnTheLastReadingIsJudgedOnItsPredecessors() {
    var df =
        run(
            series("COMP-001", "2024-02-01T00:00:00Z", 3.00, 3.03, 2.97, 3.00, 3.02, 2.99, 9.00),
            lit(true));
    assertThat(spikes(df)).containsExactly(9.00);
  }

  @Test
  void aStepInTheLastThreeReadingsIsNotCalledASpike() {
    var df =
        run(
            series(
                "COMP-001", "2024-02-01T00:00:00Z", 3.00, 3.03, 2.97, 3.00, 3.02, 4.20, 4.22, 4.19),
            lit(true));
    assertThat(spikes(df)).isEmpty();
  }

  @Test
  void aSeriesOfThreeIsNotJudgedAndNullsAreSkipped() {
    assertThat(spikes(run(series("COMP-001", "2024-02-01T00:00:00Z", 3.0, 3.0, 30.0), lit(true))))
        .isEmpty();
    // the null does not count as a neighbour and does not break the window
    List<Fixtures.Reading> withGap =
        series("COMP-001", "2024-02-01T00:00:00Z", 3.00, 3.03, 2.97, 3.00, 3.01, 3.02, 2.98, 3.00);
    withGap.get(3).vibration(null);
    withGap.get(4).vibration(7.0);
    assertThat(spikes(run(withGap, lit(true)))).containsExactly(7.0);
  }

  @Test
  void ineligibleRowsAreNotNeighboursAndEachCompressorIsItsOwnSeries() {
    List<Fixtures.Reading> rows =
        new ArrayList<>(
            series("COMP-001", "2024-02-01T00:00:00Z", 3.00, 3.03, 2.97, 3.00, 3.02, 2.99, 3.01));
    // COMP-002 runs at 9 mm/s at the same times: not a spike for COMP-001
    rows.addAll(series("COMP-002", "2024-02-01T00:00:00Z", 9.0, 9.1, 8.9, 9.0, 9.05, 8.95));
    // an ineligible (e.g. superseded) 50 mm/s delivery in the middle of COMP-001
    rows.add(reading("COMP-001", "2024-02-01T00:30:00Z").vibration(50.0));
    var df = run(rows, col("vibration_mms").lt(40));
    assertThat(spikes(df)).isEmpty();
    assertThat(df.count()).isEqualTo(14);
  }

  @Test
  void otherSensorsAreJudgedIndependently() {
    List<Fixtures.Reading> rows =
        series("COMP-001", "2024-02-01T00:00:00Z", 3.00, 3.03, 2.97, 3.00, 3.02, 2.99, 3.01);
    double[] temps = {200, 201, 199, 260, 200, 202, 198};
    for (int i = 0; i < rows.size(); i++) {
      rows.get(i).temp(temps[i]);
    }
    Row flagged = run(rows, lit(true)).where(size(col("_spike_flags")).gt(0)).first();
    Row flag = flagged.<scala.collection.Seq<Row>>getAs("_spike_flags").apply(0);
    assertThat(flag.getString(1)).isEqualTo("discharge_temp_f");
    assertThat(flag.getDouble(2)).isEqualTo(260.0);
    assertThat(flagged.<Double>getAs("vibration_mms")).isEqualTo(3.00);
  }

  @Test
  void windowMediansEqualCommonsMathMedian() {
    Random rnd = new Random(7);
    WindowMedian wm = new WindowMedian(7);
    Median reference = new Median();
    for (int trial = 0; trial < 2000; trial++) {
      int n = 1 + rnd.nextInt(7);
      double[] values = new double[n + 2];
      for (int i = 0; i < values.length; i++) {
        values[i] = rnd.nextInt(5) == 0 ? 3.0 : rnd.nextGaussian() * 10;
      }
      double med = reference.evaluate(values, 1, n);
      assertThat(wm.of(values, 1, n))
          .as("median of %s", java.util.Arrays.toString(values))
          .isEqualTo(med);
      double[] dev = new double[n];
      for (int i = 0; i < n; i++) {
        dev[i] = Math.abs(values[1 + i] - med);
      }
      assertThat(wm.absoluteDeviation(values, 1, n, med)).isEqualTo(reference.evaluate(dev));
    }
  }
}
