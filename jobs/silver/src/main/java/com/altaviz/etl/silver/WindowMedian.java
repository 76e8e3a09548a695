package com.altaviz.etl.silver;

import org.apache.commons.math3.util.KthSelector;

/**
 * Medians of short windows with commons-math3's {@link KthSelector} (the selection algorithm behind
 * its {@code Median}), on reusable scratch arrays: {@code Median.evaluate} allocates a pivot cache
 * per call, which at 4.5M readings × 6 sensors × 2 medians is pure garbage. Equal to {@code new
 * Median().evaluate(...)} (mean of the two middle values for an even count); not thread-safe, one
 * instance per task.
 */
final class WindowMedian {
  private final KthSelector selector = new KthSelector();
  private final double[][] scratch;

  WindowMedian(int maxLength) {
    scratch = new double[maxLength + 1][];
    for (int n = 1; n <= maxLength; n++) {
      scratch[n] = new double[n];
    }
  }

  /** Median of {@code values[from, from + n)}; the input is not modified. */
  double of(double[] values, int from, int n) {
    double[] work = scratch[n];
    System.arraycopy(values, from, work, 0, n);
    return medianInPlace(work);
  }

  /** Median of the first {@code n} values of any length (a copy is sorted, values unchanged). */
  double ofLong(double[] values, int n) {
    double[] work = java.util.Arrays.copyOf(values, n);
    return medianInPlace(work);
  }

  /** Median of |values[from + j] − centre| for j in [0, n): the MAD around {@code centre}. */
  double absoluteDeviation(double[] values, int from, int n, double centre) {
    double[] work = scratch[n];
    for (int j = 0; j < n; j++) {
      work[j] = Math.abs(values[from + j] - centre);
    }
    return medianInPlace(work);
  }

  private double medianInPlace(double[] work) {
    int n = work.length;
    double upper = selector.select(work, null, n / 2);
    if (n % 2 == 1) {
      return upper;
    }
    // select() partitioned work around n/2, so the lower middle is the max of the left part
    double lower = work[0];
    for (int j = 1; j < n / 2; j++) {
      lower = Math.max(lower, work[j]);
    }
    return lower + (upper - lower) / 2;
  }
}
