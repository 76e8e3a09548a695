package com.altaviz.etl.common.quality;

import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * Anomaly detection of one metric against its own history (the idea of Deequ's AnomalyDetector):
 * the relative rate of change against the previous interval, and a robust z-score against the
 * median and the scaled median absolute deviation of the trailing intervals. A value is anomalous
 * when EVERY configured test breaches: a history without noise (MAD 0, e.g. an exactly complete
 * fleet) would otherwise flag any change of one reading. See docs/quality-and-features.md.
 */
public final class MetricAnomaly {
  private MetricAnomaly() {}

  /** 1.4826 × MAD estimates σ for Gaussian noise. */
  static final double MAD_SCALE = 1.4826;

  /**
   * @param anomalous true when flagged
   * @param lower lower end of the expected band (null when unbounded or not judged)
   * @param upper upper end of the expected band
   * @param z the robust z-score (null when not judged or the history has no spread)
   */
  public record Verdict(boolean anomalous, Double lower, Double upper, Double z, String message) {}

  /**
   * Judges {@code today} against {@code history} (oldest first, at most the last history_runs
   * intervals). {@code maxRelativeChange}, {@code maxZ}: null = that test is off.
   */
  public static Verdict judge(
      Double today,
      List<Double> history,
      int historyRuns,
      int minHistory,
      Double maxRelativeChange,
      Double maxZ) {
    int k = history.size();
    if (k < minHistory) {
      return new Verdict(
          false,
          null,
          null,
          null,
          String.format(Locale.ROOT, "insufficient history (%d of %d)", k, minHistory));
    }
    if (today == null) {
      return new Verdict(false, null, null, null, "no value this interval");
    }
    DescriptiveStatistics h = new DescriptiveStatistics();
    history.forEach(h::addValue);
    double median = h.getPercentile(50);
    DescriptiveStatistics dev = new DescriptiveStatistics();
    history.forEach(x -> dev.addValue(Math.abs(x - median)));
    double sigma = MAD_SCALE * dev.getPercentile(50);
    double previous = history.get(k - 1);

    boolean breach = true;
    double lower = Double.POSITIVE_INFINITY;
    double upper = Double.NEGATIVE_INFINITY;
    StringBuilder why = new StringBuilder();
    Double z = null;
    if (maxZ != null) {
      z =
          sigma == 0
              ? (today == median ? Double.valueOf(0) : null)
              : Double.valueOf((today - median) / sigma);
      boolean out = sigma == 0 ? today != median : Math.abs(z) > maxZ;
      breach &= out;
      lower = Math.min(lower, median - maxZ * sigma);
      upper = Math.max(upper, median + maxZ * sigma);
      why.append(
          String.format(
              Locale.ROOT,
              "robust z %s (median %.4g, scaled MAD %.4g, limit %.3g)",
              z == null ? "inf" : String.format(Locale.ROOT, "%.2f", z),
              median,
              sigma,
              maxZ));
    }
    if (maxRelativeChange != null) {
      double change =
          previous == 0 ? (today == 0 ? 0 : Double.POSITIVE_INFINITY) : today / previous - 1;
      breach &= Math.abs(change) > maxRelativeChange;
      lower = Math.min(lower, previous * (1 - maxRelativeChange));
      upper = Math.max(upper, previous * (1 + maxRelativeChange));
      if (why.length() > 0) {
        why.append("; ");
      }
      why.append(
          String.format(
              Locale.ROOT,
              "change %+.1f%% vs previous %.4g (limit ±%.1f%%)",
              100 * change,
              previous,
              100 * maxRelativeChange));
    }
    String head =
        String.format(
            Locale.ROOT,
            "%s: %.4g vs %d of %d intervals: ",
            breach ? "anomaly" : "normal",
            today,
            k,
            historyRuns);
    return new Verdict(breach, lower, upper, z, head + why);
  }
}
