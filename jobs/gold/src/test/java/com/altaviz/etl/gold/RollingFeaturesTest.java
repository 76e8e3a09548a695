package com.altaviz.etl.gold;

import static com.altaviz.etl.gold.RollingFeatures.Feature.PRESSURE_1HR_MEAN;
import static com.altaviz.etl.gold.RollingFeatures.Feature.PRESSURE_24HR_MEAN;
import static com.altaviz.etl.gold.RollingFeatures.Feature.TEMP_1HR_DELTA;
import static com.altaviz.etl.gold.RollingFeatures.Feature.TEMP_1HR_MEAN;
import static com.altaviz.etl.gold.RollingFeatures.Feature.TEMP_1HR_STD;
import static com.altaviz.etl.gold.RollingFeatures.Feature.TEMP_4HR_MEAN;
import static com.altaviz.etl.gold.RollingFeatures.Feature.VIBRATION_1HR_MAX;
import static com.altaviz.etl.gold.RollingFeatures.Feature.VIBRATION_1HR_MEAN;
import static com.altaviz.etl.gold.RollingFeatures.Feature.VIBRATION_1HR_STD;
import static com.altaviz.etl.gold.RollingFeatures.Feature.VIBRATION_24HR_MEAN;
import static com.altaviz.etl.gold.RollingFeatures.Feature.VIBRATION_4HR_MEAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.altaviz.etl.gold.RollingFeatures.Feature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hand-computed windows on tiny series (minutes from midnight; N = null). */
class RollingFeaturesTest {
  private static final long MIN = 60_000_000L;
  private static final double N = Double.NaN;

  /** A compressor's readings: minute, vibration, temperature, discharge pressure. */
  private static final class Series {
    final List<long[]> ts = new ArrayList<>();
    final List<double[]> v = new ArrayList<>();

    Series at(double minute, double vib, double temp, double press) {
      ts.add(new long[] {Math.round(minute * MIN)});
      v.add(new double[] {vib, temp, press});
      return this;
    }

    RollingFeatures compute() {
      int n = ts.size();
      long[] t = new long[n];
      double[] vib = new double[n];
      double[] temp = new double[n];
      double[] press = new double[n];
      for (int i = 0; i < n; i++) {
        t[i] = ts.get(i)[0];
        vib[i] = v.get(i)[0];
        temp[i] = v.get(i)[1];
        press[i] = v.get(i)[2];
      }
      RollingFeatures f = new RollingFeatures();
      f.compute(n, t, vib, temp, press);
      return f;
    }
  }

  @Test
  void firstReadingsHavePartialWindowsWithCoverageCounts() {
    RollingFeatures f = new Series().at(0, 2.0, 200, 1000).at(10, 4.0, 210, 1010).compute();
    assertThat(f.readings1h(0)).isEqualTo(1);
    assertThat(f.readings24h(0)).isEqualTo(1);
    assertThat(f.value(VIBRATION_1HR_MEAN, 0)).isEqualTo(2.0);
    assertThat(f.value(VIBRATION_24HR_MEAN, 0)).isEqualTo(2.0);
    assertThat(f.value(VIBRATION_1HR_MAX, 0)).isEqualTo(2.0);
    assertThat(f.value(VIBRATION_1HR_STD, 0)).as("std of one value").isNaN();
    assertThat(f.value(TEMP_1HR_DELTA, 0)).isNaN();
    assertThat(f.readings1h(1)).isEqualTo(2);
    assertThat(f.readings24h(1)).isEqualTo(2);
    assertThat(f.value(VIBRATION_1HR_MEAN, 1)).isEqualTo(3.0);
    assertThat(f.value(TEMP_4HR_MEAN, 1)).isEqualTo(205.0);
    assertThat(f.value(PRESSURE_1HR_MEAN, 1)).isEqualTo(1005.0);
    // sample std of {2, 4} = sqrt(2)
    assertThat(f.value(VIBRATION_1HR_STD, 1)).isCloseTo(Math.sqrt(2), within(1e-15));
    assertThat(f.value(TEMP_1HR_STD, 1)).isCloseTo(Math.sqrt(50), within(1e-13));
    assertThat(f.value(VIBRATION_1HR_MAX, 1)).isEqualTo(4.0);
  }

  @Test
  void afterATwoHourGapTheHourWindowHoldsOnlyTheCurrentReading() {
    RollingFeatures f =
        new Series()
            .at(0, 1.0, 200, 1000)
            .at(10, 2.0, 201, 1001)
            .at(20, 3.0, 202, 1002)
            .at(140, 5.0, 210, 1100)
            .compute();
    assertThat(f.readings1h(3)).isEqualTo(1);
    assertThat(f.value(VIBRATION_1HR_MEAN, 3)).isEqualTo(5.0);
    assertThat(f.value(VIBRATION_1HR_MAX, 3)).isEqualTo(5.0);
    assertThat(f.value(VIBRATION_1HR_STD, 3)).isNaN();
    assertThat(f.value(TEMP_1HR_MEAN, 3)).isEqualTo(210.0);
    assertThat(f.readings24h(3)).isEqualTo(4);
    assertThat(f.value(VIBRATION_4HR_MEAN, 3)).isEqualTo(11.0 / 4);
    assertThat(f.value(PRESSURE_24HR_MEAN, 3)).isEqualTo(4103.0 / 4);
    assertThat(f.value(TEMP_1HR_DELTA, 3)).as("nothing within 10 min of t - 1h").isNaN();
  }

  @Test
  void aReadingExactlyOneHourOlderIsOutOfTheHourWindow() {
    RollingFeatures f = new Series().at(0, 9.0, 200, 1000).at(60, 1.0, 206, 1200).compute();
    assertThat(f.readings1h(1)).isEqualTo(1);
    assertThat(f.value(VIBRATION_1HR_MEAN, 1)).isEqualTo(1.0);
    assertThat(f.value(VIBRATION_1HR_MAX, 1)).as("the 9.0 at t - 1h is out").isEqualTo(1.0);
    assertThat(f.value(VIBRATION_4HR_MEAN, 1)).isEqualTo(5.0);
    assertThat(f.readings24h(1)).isEqualTo(2);
    // ... but it is exactly the t - 1h reading the delta looks for
    assertThat(f.value(TEMP_1HR_DELTA, 1)).isEqualTo(6.0);
  }

  @Test
  void aReadingExactlyFourAndTwentyFourHoursOlderIsOutOfThoseWindows() {
    RollingFeatures f =
        new Series()
            .at(0, 4.0, 200, 1000)
            .at(240, 2.0, 200, 1000)
            .at(1440, 6.0, 200, 1000)
            .compute();
    assertThat(f.value(VIBRATION_4HR_MEAN, 1)).isEqualTo(2.0);
    assertThat(f.value(VIBRATION_24HR_MEAN, 1)).isEqualTo(3.0);
    assertThat(f.value(VIBRATION_4HR_MEAN, 2)).isEqualTo(6.0);
    assertThat(f.value(VIBRATION_24HR_MEAN, 2)).isEqualTo(4.0);
    assertThat(f.readings24h(2)).isEqualTo(2);
  }

  @Test
  void nullsInsideAWindowAreIgnoredButCountAsReadings() {
    RollingFeatures f =
        new Series()
            .at(0, 1.0, N, 1000)
            .at(10, N, 202, N)
            .at(20, 3.0, N, N)
            .at(30, 5.0, 204, N)
            .compute();
    assertThat(f.readings1h(3)).isEqualTo(4);
    assertThat(f.readings24h(3)).isEqualTo(4);
    assertThat(f.value(VIBRATION_1HR_MEAN, 3)).isEqualTo(3.0);
    assertThat(f.value(VIBRATION_1HR_STD, 3)).isEqualTo(2.0);
    assertThat(f.value(VIBRATION_1HR_MAX, 3)).isEqualTo(5.0);
    assertThat(f.value(TEMP_1HR_MEAN, 3)).isEqualTo(203.0);
    assertThat(f.value(TEMP_1HR_STD, 3)).isCloseTo(Math.sqrt(2), within(1e-15));
    assertThat(f.value(PRESSURE_1HR_MEAN, 3)).isEqualTo(1000.0);
    assertThat(f.value(VIBRATION_1HR_MEAN, 1)).as("null at t, earlier value kept").isEqualTo(1.0);
    assertThat(f.value(TEMP_1HR_MEAN, 0)).as("no temperature yet").isNaN();
    assertThat(f.value(TEMP_1HR_STD, 1)).as("one temperature").isNaN();
  }

  @Test
  void tempDeltaUsesTheLatestReadingWithinTenMinutesBeforeOneHourAgo() {
    RollingFeatures f =
        new Series()
            .at(0, 1, 200, 1000) // 0
            .at(5, 1, 203, 1000) // 1
            .at(62, 1, N, 1000) // 2: null temperature is never a reference
            .at(65, 1, 212, 1000) // 3: t-1h = 5 -> reference at 5 exactly
            .at(72, 1, 210, 1000) // 4: t-1h = 12, window [2, 12] -> 5
            .at(76, 1, 215, 1000) // 5: t-1h = 16, window [6, 16] -> none
            .at(130, 1, 230, 1000) // 6: t-1h = 70, window [60, 70] -> 65 (62 is null)
            .at(132, 1, N, 1000) // 7: null at t
            .compute();
    assertThat(f.value(TEMP_1HR_DELTA, 3)).isEqualTo(9.0);
    assertThat(f.value(TEMP_1HR_DELTA, 4)).isCloseTo(7.0 / (67 / 60.0), within(1e-12));
    assertThat(f.value(TEMP_1HR_DELTA, 5)).isNaN();
    assertThat(f.value(TEMP_1HR_DELTA, 6)).isCloseTo(18.0 / (65 / 60.0), within(1e-12));
    assertThat(f.value(TEMP_1HR_DELTA, 7)).isNaN();
    // the lower bound t - 1h - 10 min is inclusive
    RollingFeatures edge = new Series().at(0, 1, 200, 1000).at(70, 1, 207, 1000).compute();
    assertThat(edge.value(TEMP_1HR_DELTA, 1)).isCloseTo(7.0 / (70 / 60.0), within(1e-12));
    RollingFeatures beyond = new Series().at(0, 1, 200, 1000).at(70.0001, 1, 207, 1000).compute();
    assertThat(beyond.value(TEMP_1HR_DELTA, 1)).isNaN();
  }

  @Test
  void readingsAtTheSameTimeSeeEachOther() {
    RollingFeatures f = new Series().at(0, 2.0, 200, 1000).at(0, 4.0, 202, 1000).compute();
    assertThat(f.readings1h(0)).isEqualTo(2);
    assertThat(f.value(VIBRATION_1HR_MEAN, 0)).isEqualTo(3.0);
    assertThat(f.value(VIBRATION_1HR_MAX, 0)).isEqualTo(4.0);
  }

  @Test
  void rejectsReadingsOutOfTimeOrder() {
    assertThatThrownBy(() -> new Series().at(10, 1, 1, 1).at(0, 1, 1, 1).compute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("time order");
  }

  @Test
  void constantSignalsHaveZeroStdWithoutCancellationNoise() {
    Series s = new Series();
    for (int i = 0; i < 50; i++) {
      s.at(i * 10, i < 25 ? 7.3 : 0.1 + 0.2, 1234.56789, 1000);
    }
    RollingFeatures f = s.compute();
    for (int i = 1; i < 50; i++) {
      if (i < 24 || i > 30) {
        assertThat(f.value(VIBRATION_1HR_STD, i)).as("row %d", i).isLessThan(1e-14);
      }
      // running sums of squares would leave ~1e-6 here (1234.56789^2 * 1e-16, square-rooted)
      assertThat(f.value(TEMP_1HR_STD, i)).as("row %d", i).isLessThan(1e-12);
    }
  }

  /** Every feature against a brute-force scan, on irregular data with gaps, ties and nulls. */
  @Test
  void matchesABruteForceReference() {
    SplittableRandom rnd = new SplittableRandom(11);
    int n = 3000;
    long[] ts = new long[n];
    double[][] x = new double[3][n];
    long t = 0;
    for (int i = 0; i < n; i++) {
      int r = rnd.nextInt(100);
      t += r < 3 ? 0 : r < 6 ? 180 * MIN : r < 20 ? 60 * MIN : rnd.nextLong(1, 15 * MIN);
      ts[i] = t;
      x[0][i] = rnd.nextInt(20) == 0 ? N : 3 + rnd.nextGaussian();
      x[1][i] = rnd.nextInt(20) == 0 ? N : 200 + 5 * rnd.nextGaussian() + i * 0.01;
      x[2][i] = rnd.nextInt(20) == 0 ? N : 1100 + 30 * rnd.nextGaussian();
    }
    RollingFeatures f = new RollingFeatures();
    f.compute(n, ts, x[0], x[1], x[2]);
    double maxDiff = 0;
    long hour = RollingFeatures.MICROS_PER_HOUR;
    for (int i = 0; i < n; i++) {
      maxDiff = Math.max(maxDiff, check(f, VIBRATION_1HR_MEAN, i, mean(ts, x[0], i, hour)));
      maxDiff = Math.max(maxDiff, check(f, VIBRATION_1HR_STD, i, std(ts, x[0], i, hour)));
      maxDiff = Math.max(maxDiff, check(f, VIBRATION_1HR_MAX, i, max(ts, x[0], i, hour)));
      maxDiff = Math.max(maxDiff, check(f, TEMP_1HR_MEAN, i, mean(ts, x[1], i, hour)));
      maxDiff = Math.max(maxDiff, check(f, TEMP_1HR_STD, i, std(ts, x[1], i, hour)));
      maxDiff = Math.max(maxDiff, check(f, PRESSURE_1HR_MEAN, i, mean(ts, x[2], i, hour)));
      for (int s = 0; s < 3; s++) {
        Feature f4 = Feature.values()[6 + s];
        Feature f24 = Feature.values()[9 + s];
        maxDiff = Math.max(maxDiff, check(f, f4, i, mean(ts, x[s], i, 4 * hour)));
        maxDiff = Math.max(maxDiff, check(f, f24, i, mean(ts, x[s], i, 24 * hour)));
      }
      maxDiff = Math.max(maxDiff, check(f, TEMP_1HR_DELTA, i, delta(ts, x[1], i)));
      assertThat(f.readings1h(i)).isEqualTo(count(ts, i, hour));
      assertThat(f.readings24h(i)).isEqualTo(count(ts, i, 24 * hour));
    }
    assertThat(maxDiff).isLessThan(1e-9);
  }

  /** A reading every second: 1h windows of 3,600 values take the exact-sums path. */
  @Test
  void denseWindowsMatchTheBruteForceStdAndDependOnTheWindowOnly() {
    SplittableRandom rnd = new SplittableRandom(3);
    int n = 9000;
    long[] ts = new long[n];
    double[][] x = new double[3][n];
    for (int i = 0; i < n; i++) {
      ts[i] = i * 1_000_000L;
      x[0][i] = rnd.nextInt(50) == 0 ? N : 3 + rnd.nextGaussian();
      // near-constant: running floating-point sums of squares would cancel here
      x[1][i] = rnd.nextInt(50) == 0 ? N : 1234.56789 + 1e-4 * rnd.nextGaussian();
      x[2][i] = 1100;
    }
    x[0][5000] = 3e6; // too large to square exactly: its windows use the two-pass formula
    RollingFeatures f = new RollingFeatures();
    f.compute(n, ts, x[0], x[1], x[2]);
    long hour = RollingFeatures.MICROS_PER_HOUR;
    for (int i = 0; i < n; i += 97) {
      check(f, VIBRATION_1HR_STD, i, std(ts, x[0], i, hour));
      double expected = std(ts, x[1], i, hour);
      double actual = f.value(TEMP_1HR_STD, i);
      if (i > 0) {
        assertThat(actual / expected - 1).as("relative error at %d", i).isBetween(-1e-9, 1e-9);
      }
    }
    // a later start (as a daily run's warm-up) gives bit-identical outputs
    RollingFeatures late = new RollingFeatures();
    late.compute(n, ts, x[0], x[1], x[2], 7000);
    for (int i = 7000; i < n; i++) {
      for (Feature feature : List.of(VIBRATION_1HR_STD, TEMP_1HR_STD)) {
        assertThat(Double.doubleToRawLongBits(late.value(feature, i)))
            .as("%s at %d", feature, i)
            .isEqualTo(Double.doubleToRawLongBits(f.value(feature, i)));
      }
    }
  }

  @Test
  void aConstantDenseSignalHasAStdWithinTheSquaresResolution() {
    int n = 5000;
    long[] ts = new long[n];
    double[] temp = new double[n];
    double[] none = new double[n];
    Arrays.fill(none, N);
    for (int i = 0; i < n; i++) {
      ts[i] = i * 1_000_000L;
      temp[i] = 1234.56789;
    }
    RollingFeatures f = new RollingFeatures();
    f.compute(n, ts, none, temp, none);
    for (int i = 1; i < n; i++) {
      // two-pass up to 32 values; then exact sums of squares kept to 64 fraction bits: an
      // error below 2^-64 per square, so the variance is off by at most 2^-64 · k/(k − 1)
      double bound = i < RollingFeatures.TWO_PASS_MAX ? 1e-12 : Math.sqrt(0x1p-64 * 33 / 32);
      assertThat(f.value(TEMP_1HR_STD, i)).as("row %d", i).isLessThanOrEqualTo(bound);
    }
  }

  /** Warm-up readings fill the windows only: the outputs after them are bit-identical. */
  @Test
  void outputsFromALaterReadingEqualTheFullPass() {
    SplittableRandom rnd = new SplittableRandom(5);
    int n = 500;
    long[] ts = new long[n];
    double[][] x = new double[3][n];
    for (int i = 1; i < n; i++) {
      ts[i] = ts[i - 1] + rnd.nextLong(0, 20 * MIN);
      for (double[] s : x) {
        s[i] = rnd.nextInt(10) == 0 ? N : rnd.nextGaussian();
      }
    }
    RollingFeatures full = new RollingFeatures();
    full.compute(n, ts, x[0], x[1], x[2]);
    RollingFeatures late = new RollingFeatures();
    late.compute(n, ts, x[0], x[1], x[2], 300);
    for (int i = 300; i < n; i++) {
      for (Feature f : Feature.values()) {
        assertThat(Double.doubleToRawLongBits(late.value(f, i)))
            .as("%s at %d", f, i)
            .isEqualTo(Double.doubleToRawLongBits(full.value(f, i)));
      }
      assertThat(late.readings1h(i)).isEqualTo(full.readings1h(i));
      assertThat(late.readings24h(i)).isEqualTo(full.readings24h(i));
    }
  }

  private static double check(RollingFeatures f, Feature feature, int i, double expected) {
    double actual = f.value(feature, i);
    assertThat(Double.isNaN(actual))
        .as("%s null at %d", feature, i)
        .isEqualTo(Double.isNaN(expected));
    if (Double.isNaN(expected)) {
      return 0;
    }
    double diff = Math.abs(actual - expected);
    assertThat(diff).as("%s at %d", feature, i).isLessThan(1e-9);
    return diff;
  }

  private static boolean inWindow(long[] ts, int j, int i, long width) {
    return ts[j] <= ts[i] && ts[j] > ts[i] - width;
  }

  private static long count(long[] ts, int i, long width) {
    long c = 0;
    for (int j = 0; j < ts.length; j++) {
      c += inWindow(ts, j, i, width) ? 1 : 0;
    }
    return c;
  }

  private static double mean(long[] ts, double[] x, int i, long width) {
    double sum = 0;
    int k = 0;
    for (int j = 0; j < ts.length; j++) {
      if (inWindow(ts, j, i, width) && !Double.isNaN(x[j])) {
        sum += x[j];
        k++;
      }
    }
    return k == 0 ? N : sum / k;
  }

  private static double std(long[] ts, double[] x, int i, long width) {
    double m = mean(ts, x, i, width);
    double ss = 0;
    int k = 0;
    for (int j = 0; j < ts.length; j++) {
      if (inWindow(ts, j, i, width) && !Double.isNaN(x[j])) {
        ss += (x[j] - m) * (x[j] - m);
        k++;
      }
    }
    return k < 2 ? N : Math.sqrt(ss / (k - 1));
  }

  private static double max(long[] ts, double[] x, int i, long width) {
    double m = N;
    for (int j = 0; j < ts.length; j++) {
      if (inWindow(ts, j, i, width) && !Double.isNaN(x[j]) && !(x[j] <= m)) {
        m = x[j];
      }
    }
    return m;
  }

  private static double delta(long[] ts, double[] temp, int i) {
    if (Double.isNaN(temp[i])) {
      return N;
    }
    long hour = RollingFeatures.MICROS_PER_HOUR;
    int best = -1;
    for (int j = 0; j < ts.length; j++) {
      if (!Double.isNaN(temp[j])
          && ts[j] <= ts[i] - hour
          && ts[j] >= ts[i] - hour - 10 * MIN
          && (best < 0 || ts[j] >= ts[best])) {
        best = j;
      }
    }
    return best < 0 ? N : (temp[i] - temp[best]) / ((ts[i] - ts[best]) / (double) hour);
  }
}
