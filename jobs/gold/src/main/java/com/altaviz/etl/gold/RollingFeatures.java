package com.altaviz.etl.gold;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Trailing-window features of ONE compressor's readings in time order, computed in a single
 * incremental pass. Pure: arrays in, arrays out, no Spark.
 *
 * <p>Windows are {@code (t − W, t]} by time, never by row offset: a reading exactly W before t is
 * out, readings at t (ties) are in, later readings never. Each window is an index range {@code [lo,
 * hi)} into the sorted readings; {@code hi} advances over readings at or before t and {@code lo}
 * over readings at or before {@code t − W}, so each reading is added and removed once per window.
 * Sums are exact ({@link FixedPointSum}); the 1h maximum uses a monotonic deque. The 1h sample
 * standard deviation of a window of at most {@value #TWO_PASS_MAX} values (six at a 10-minute
 * cadence) is the corrected two-pass formula; of a larger window it comes from exact fixed-point
 * sums of the values and of their squares, {@code (k·Σx² − (Σx)²) / (k(k − 1))} in exact integer
 * arithmetic, so a dense compressor (a reading every 50 ms) costs O(1) per reading, not O(window).
 * Both stay exact for near-constant signals, where floating-point running sums of squares cancel
 * catastrophically, and both are functions of the window's values only.
 *
 * <p>Inputs and outputs use NaN for "missing": a null sensor value is ignored by every window, and
 * a feature with no value (mean of no values, std of fewer than two) is NaN, which the caller
 * writes as null. Silver never holds NaN (its range rule nulls NaN/±Inf).
 */
public final class RollingFeatures {
  public static final long MICROS_PER_HOUR = 3_600_000_000L;

  /** temp_1hr_delta looks back to a reading in {@code [t − 1h − 10 min, t − 1h]}. */
  public static final long DELTA_TOLERANCE_MICROS = 10 * 60_000_000L;

  /** Double-valued outputs, in gold column order (temp_1hr_delta last). */
  public enum Feature {
    VIBRATION_1HR_MEAN("vibration_1hr_mean"),
    VIBRATION_1HR_STD("vibration_1hr_std"),
    VIBRATION_1HR_MAX("vibration_1hr_max"),
    TEMP_1HR_MEAN("temp_1hr_mean"),
    TEMP_1HR_STD("temp_1hr_std"),
    PRESSURE_1HR_MEAN("pressure_1hr_mean"),
    VIBRATION_4HR_MEAN("vibration_4hr_mean"),
    TEMP_4HR_MEAN("temp_4hr_mean"),
    PRESSURE_4HR_MEAN("pressure_4hr_mean"),
    VIBRATION_24HR_MEAN("vibration_24hr_mean"),
    TEMP_24HR_MEAN("temp_24hr_mean"),
    PRESSURE_24HR_MEAN("pressure_24hr_mean"),
    TEMP_1HR_DELTA("temp_1hr_delta");

    public final String column;

    Feature(String column) {
      this.column = column;
    }
  }

  private static final int VIB = 0;
  private static final int TEMP = 1;
  private static final int PRESS = 2;
  private static final int SENSORS = 3;

  /** Sensors with a 1h standard deviation: vibration and temperature. */
  private static final int STD_SENSORS = 2;

  /** Largest 1h window whose standard deviation is the two-pass formula. */
  static final int TWO_PASS_MAX = 32;

  private static final long[] WIDTHS = {MICROS_PER_HOUR, 4 * MICROS_PER_HOUR, 24 * MICROS_PER_HOUR};
  private static final int W1 = 0;
  private static final int W24 = 2;

  /** Mean feature per (window, sensor). */
  private static final Feature[][] MEANS = {
    {Feature.VIBRATION_1HR_MEAN, Feature.TEMP_1HR_MEAN, Feature.PRESSURE_1HR_MEAN},
    {Feature.VIBRATION_4HR_MEAN, Feature.TEMP_4HR_MEAN, Feature.PRESSURE_4HR_MEAN},
    {Feature.VIBRATION_24HR_MEAN, Feature.TEMP_24HR_MEAN, Feature.PRESSURE_24HR_MEAN}
  };

  private final double[][] out = new double[Feature.values().length][];
  private long[] readings1h;
  private long[] readings24h;
  private final long[][] his = new long[SENSORS][];
  private final long[][] los = new long[SENSORS][];
  private int[] deque;
  private final FixedPointSum[][] sums = new FixedPointSum[WIDTHS.length][SENSORS];
  private final int[][] counts = new int[WIDTHS.length][SENSORS];
  private final int[] lo = new int[WIDTHS.length];

  /** Squares of the values of the std sensors, as limbs; big = too large to square exactly. */
  private final long[][] squareHis = new long[STD_SENSORS][];

  private final long[][] squareLos = new long[STD_SENSORS][];
  private final boolean[][] big = new boolean[STD_SENSORS][];
  private final FixedPointSum[] squares = {new FixedPointSum(), new FixedPointSum()};
  private final int[] bigInWindow = new int[STD_SENSORS];

  public RollingFeatures() {
    for (FixedPointSum[] row : sums) {
      for (int s = 0; s < SENSORS; s++) {
        row[s] = new FixedPointSum();
      }
    }
    allocate(256);
  }

  /**
   * The value of {@code feature} for reading {@code i} of the last {@link #compute}; NaN = null.
   */
  public double value(Feature feature, int i) {
    return out[feature.ordinal()][i];
  }

  /** Readings (rows, whatever their values) in {@code (t − 1h, t]}. */
  public long readings1h(int i) {
    return readings1h[i];
  }

  /** Readings (rows, whatever their values) in {@code (t − 24h, t]}. */
  public long readings24h(int i) {
    return readings24h[i];
  }

  /** Every reading's value of {@code feature} (first n of the last compute); NaN = null. */
  double[] values(Feature feature) {
    return out[feature.ordinal()];
  }

  long[] readings1h() {
    return readings1h;
  }

  long[] readings24h() {
    return readings24h;
  }

  /**
   * Computes every feature for readings {@code 0..n-1} of one compressor. {@code ts} (epoch
   * microseconds) must be non-decreasing; sensor arrays hold NaN where the value is null.
   */
  public void compute(int n, long[] ts, double[] vib, double[] temp, double[] press) {
    compute(n, ts, vib, temp, press, 0);
  }

  /**
   * As {@link #compute(int, long[], double[], double[], double[])}, with outputs only for readings
   * {@code from..n-1}: the earlier ones (warm-up) only fill the windows.
   */
  public void compute(int n, long[] ts, double[] vib, double[] temp, double[] press, int from) {
    if (out[0].length < n) {
      allocate(Math.max(n, out[0].length * 2));
    }
    double[][] values = {vib, temp, press};
    for (int s = 0; s < SENSORS; s++) {
      double[] x = values[s];
      for (int i = 0; i < n; i++) {
        if (!Double.isNaN(x[i])) {
          FixedPointSum.split(x[i], his[s], los[s], i);
          if (s < STD_SENSORS) {
            big[s][i] = !(Math.abs(x[i]) < FixedPointSum.MAX_SQUARED_ABS);
            if (!big[s][i]) {
              FixedPointSum.splitSquare(x[i], squareHis[s], squareLos[s], i);
            }
          }
        }
      }
    }
    for (int s = 0; s < STD_SENSORS; s++) {
      squares[s].clear();
      bigInWindow[s] = 0;
    }
    for (int w = 0; w < WIDTHS.length; w++) {
      lo[w] = 0;
      Arrays.fill(counts[w], 0);
      for (FixedPointSum sum : sums[w]) {
        sum.clear();
      }
    }
    int dqHead = 0;
    int dqTail = 0;
    int hi = 0;
    int deltaEnd = 0;
    for (int i = 0; i < n; i++) {
      long t = ts[i];
      if (i > 0 && t < ts[i - 1]) {
        throw new IllegalArgumentException("readings are not in time order at index " + i);
      }
      // enter every reading at or before t (ties included: same time is not "later")
      while (hi < n && ts[hi] <= t) {
        for (int s = 0; s < SENSORS; s++) {
          if (!Double.isNaN(values[s][hi])) {
            for (int w = 0; w < WIDTHS.length; w++) {
              sums[w][s].add(his[s][hi], los[s][hi]);
              counts[w][s]++;
            }
            if (s < STD_SENSORS) {
              enterSquare(s, hi);
            }
          }
        }
        if (!Double.isNaN(vib[hi])) {
          while (dqTail > dqHead && vib[deque[dqTail - 1]] <= vib[hi]) {
            dqTail--;
          }
          deque[dqTail++] = hi;
        }
        hi++;
      }
      // leave every reading at or before t − W: the window is (t − W, t]
      for (int w = 0; w < WIDTHS.length; w++) {
        long edge = t - WIDTHS[w];
        int l = lo[w];
        while (ts[l] <= edge) {
          for (int s = 0; s < SENSORS; s++) {
            if (!Double.isNaN(values[s][l])) {
              sums[w][s].subtract(his[s][l], los[s][l]);
              counts[w][s]--;
              if (w == W1 && s < STD_SENSORS) {
                leaveSquare(s, l);
              }
            }
          }
          l++;
        }
        lo[w] = l;
      }
      while (dqTail > dqHead && deque[dqHead] < lo[W1]) {
        dqHead++;
      }
      if (i < from) {
        continue;
      }

      for (int w = 0; w < WIDTHS.length; w++) {
        for (int s = 0; s < SENSORS; s++) {
          int k = counts[w][s];
          out[MEANS[w][s].ordinal()][i] = k == 0 ? Double.NaN : sums[w][s].value() / k;
        }
      }
      out[Feature.VIBRATION_1HR_STD.ordinal()][i] =
          std1h(VIB, vib, hi, value(Feature.VIBRATION_1HR_MEAN, i));
      out[Feature.TEMP_1HR_STD.ordinal()][i] =
          std1h(TEMP, temp, hi, value(Feature.TEMP_1HR_MEAN, i));
      out[Feature.VIBRATION_1HR_MAX.ordinal()][i] =
          dqTail > dqHead ? vib[deque[dqHead]] : Double.NaN;
      readings1h[i] = hi - lo[W1];
      readings24h[i] = hi - lo[W24];

      long target = t - MICROS_PER_HOUR;
      while (deltaEnd < n && ts[deltaEnd] <= target) {
        deltaEnd++;
      }
      out[Feature.TEMP_1HR_DELTA.ordinal()][i] = tempDelta(ts, temp, i, deltaEnd, target);
    }
  }

  /**
   * °F per hour against t' = the latest reading with a temperature at or before t − 1h and no
   * earlier than t − 1h − 10 min; NaN when there is none or when the temperature at t is null.
   * {@code end} is one past the last reading at or before t − 1h.
   */
  static double tempDelta(long[] ts, double[] temp, int i, int end, long target) {
    if (Double.isNaN(temp[i])) {
      return Double.NaN;
    }
    long earliest = target - DELTA_TOLERANCE_MICROS;
    for (int j = end - 1; j >= 0 && ts[j] >= earliest; j--) {
      if (!Double.isNaN(temp[j])) {
        double hours = (ts[i] - ts[j]) / (double) MICROS_PER_HOUR;
        return (temp[i] - temp[j]) / hours;
      }
    }
    return Double.NaN;
  }

  private void enterSquare(int s, int j) {
    if (big[s][j]) {
      bigInWindow[s]++;
    } else {
      squares[s].add(squareHis[s][j], squareLos[s][j]);
    }
  }

  private void leaveSquare(int s, int j) {
    if (big[s][j]) {
      bigInWindow[s]--;
    } else {
      squares[s].subtract(squareHis[s][j], squareLos[s][j]);
    }
  }

  /** Sample standard deviation of sensor s's values in the 1h window [lo[W1], hi). */
  private double std1h(int s, double[] x, int hi, double mean) {
    int k = counts[W1][s];
    if (k <= TWO_PASS_MAX || bigInWindow[s] > 0) {
      return sampleStd(x, lo[W1], hi, k, mean);
    }
    return exactStd(sums[W1][s].exact(), squares[s].exact(), k);
  }

  /**
   * Sample standard deviation from exact sums in units of 2^-64: {@code k·Σx² − (Σx)²} is computed
   * exactly (in units of 2^-128) and rounded once.
   */
  static double exactStd(BigInteger sum, BigInteger sumOfSquares, int k) {
    BigInteger numerator =
        sumOfSquares.multiply(BigInteger.valueOf(k)).shiftLeft(64).subtract(sum.multiply(sum));
    if (numerator.signum() <= 0) {
      return 0.0;
    }
    double variance = Math.scalb(numerator.doubleValue(), -128) / ((double) k * (k - 1));
    return Math.sqrt(variance);
  }

  /** Corrected two-pass sample standard deviation of the non-NaN values in [from, to). */
  static double sampleStd(double[] x, int from, int to, int k, double mean) {
    if (k < 2) {
      return Double.NaN;
    }
    double squares = 0;
    double residual = 0;
    for (int j = from; j < to; j++) {
      double v = x[j];
      if (!Double.isNaN(v)) {
        double d = v - mean;
        squares += d * d;
        residual += d;
      }
    }
    double variance = (squares - residual * residual / k) / (k - 1);
    return Math.sqrt(Math.max(variance, 0.0));
  }

  private void allocate(int capacity) {
    for (int f = 0; f < out.length; f++) {
      out[f] = new double[capacity];
    }
    readings1h = new long[capacity];
    readings24h = new long[capacity];
    for (int s = 0; s < SENSORS; s++) {
      his[s] = new long[capacity];
      los[s] = new long[capacity];
    }
    deque = new int[capacity];
    for (int s = 0; s < STD_SENSORS; s++) {
      squareHis[s] = new long[capacity];
      squareLos[s] = new long[capacity];
      big[s] = new boolean[capacity];
    }
  }
}
