package com.altaviz.etl.common.quality;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Distribution drift of sensor columns: the current interval against a trailing reference window.
 * Both samples are reduced in Spark to counts over a fine common grid (G equal-width cells over the
 * min–max of both samples, per column); nothing but the counts reaches the driver. From the counts:
 *
 * <ul>
 *   <li>KS: the two-sample Kolmogorov–Smirnov statistic D = max |F_ref − F_cur| of the two
 *       empirical CDFs evaluated at the cell edges (exact when no cell holds two distinct values,
 *       otherwise low by at most the mass of one cell), p-value by commons-math3 (exact
 *       distribution below 10,000 = n·m, else the asymptotic one);
 *   <li>PSI: bins whose edges are the reference's quantiles (k/B) taken on the same grid; shares
 *       floored at 1e-4 so an empty bin does not give an infinite index.
 * </ul>
 *
 * Two Spark jobs for any number of columns and models: min/max, then the grid counts. Per-model
 * grids are the fleet's, so the model counts add up to the fleet counts.
 */
public final class Drift {
  private Drift() {}

  public static final String REFERENCE = "reference";
  public static final String CURRENT = "current";
  static final double EMPTY_SHARE = 1e-4;

  /** Grid counts of one column in one scope. */
  public record Histogram(double lo, double hi, long[] reference, long[] current) {
    public long referenceCount() {
      return sum(reference);
    }

    public long currentCount() {
      return sum(current);
    }
  }

  /** Scope ("*" or "model=<m>") and column of a histogram. */
  public record Key(String scope, String column) {}

  /**
   * Grid histograms of {@code columns} from {@code rows}, which carry a string column {@code side}
   * ({@link #REFERENCE} or {@link #CURRENT}) and, when {@code modelColumn} is not null, the model.
   * NaN and null values are left out.
   */
  public static Map<Key, Histogram> histograms(
      Dataset<Row> rows, List<String> columns, String modelColumn, int grid) {
    List<Column> bounds = new ArrayList<>();
    for (String c : columns) {
      Column v = when(isnan(col(c)), lit(null)).otherwise(col(c));
      bounds.add(min(v).as("lo_" + c));
      bounds.add(max(v).as("hi_" + c));
    }
    Row b =
        rows.agg(bounds.get(0), bounds.subList(1, bounds.size()).toArray(Column[]::new)).first();
    double[] lo = new double[columns.size()];
    double[] hi = new double[columns.size()];
    List<Column> cells = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      if (b.isNullAt(2 * i)) {
        continue; // no value at all on either side
      }
      lo[i] = ((Number) b.get(2 * i)).doubleValue();
      hi[i] = ((Number) b.get(2 * i + 1)).doubleValue();
      double width = hi[i] > lo[i] ? (hi[i] - lo[i]) / grid : 1;
      Column cell = least(lit(grid - 1), floor(col(c).minus(lo[i]).divide(width)).cast("int"));
      cells.add(
          struct(
              lit(i).as("c"),
              when(col(c).isNull().or(isnan(col(c))), lit(null)).otherwise(cell).as("b")));
    }
    Map<Key, Histogram> out = new LinkedHashMap<>();
    if (cells.isEmpty()) {
      return out;
    }
    Column model = modelColumn == null ? lit(null).cast("string") : col(modelColumn);
    Dataset<Row> counts =
        rows.select(
                model.as("m"), col("side"), explode(array(cells.toArray(Column[]::new))).as("x"))
            .where(col("x.b").isNotNull())
            .groupBy(col("m"), col("side"), col("x.c").as("c"), col("x.b").as("b"))
            .count();
    for (Row r : counts.collectAsList()) {
      int i = r.getInt(2);
      String column = columns.get(i);
      boolean ref = REFERENCE.equals(r.getString(1));
      int cell = r.getInt(3);
      long n = r.getLong(4);
      add(out, new Key(CheckResult.ALL, column), lo[i], hi[i], grid, ref, cell, n);
      if (modelColumn != null && !r.isNullAt(0)) {
        add(out, new Key("model=" + r.getString(0), column), lo[i], hi[i], grid, ref, cell, n);
      }
    }
    return out;
  }

  private static void add(
      Map<Key, Histogram> out,
      Key k,
      double lo,
      double hi,
      int grid,
      boolean ref,
      int cell,
      long n) {
    Histogram h =
        out.computeIfAbsent(k, x -> new Histogram(lo, hi, new long[grid], new long[grid]));
    (ref ? h.reference() : h.current())[cell] += n;
  }

  /** Two-sample KS statistic D from counts over the same cells. */
  public static double ksStatistic(long[] reference, long[] current) {
    long n = sum(reference);
    long m = sum(current);
    double d = 0;
    long cr = 0;
    long cc = 0;
    for (int i = 0; i < reference.length; i++) {
      cr += reference[i];
      cc += current[i];
      d = Math.max(d, Math.abs((double) cr / n - (double) cc / m));
    }
    return d;
  }

  /** p-value of D for sample sizes n and m, as commons-math3's two-sample test computes it. */
  public static double ksPValue(double d, long n, long m) {
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    if ((double) n * m < 10_000) {
      return ks.exactP(d, (int) n, (int) m, true);
    }
    return ks.approximateP(
        d, (int) Math.min(n, Integer.MAX_VALUE), (int) Math.min(m, Integer.MAX_VALUE));
  }

  /**
   * Upper cell index (inclusive) of each of the {@code bins} PSI bins: bin k ends at the first cell
   * where the reference CDF reaches (k+1)/bins. Equal edges merge bins (few distinct values).
   */
  public static int[] binEdges(long[] reference, int bins) {
    long n = sum(reference);
    List<Integer> edges = new ArrayList<>();
    long cum = 0;
    int k = 1;
    for (int i = 0; i < reference.length && k < bins; i++) {
      cum += reference[i];
      boolean added = false;
      while (k < bins && cum * (long) bins >= k * n) {
        if (!added) {
          edges.add(i);
          added = true;
        }
        k++;
      }
    }
    edges.removeIf(e -> e == reference.length - 1);
    edges.add(reference.length - 1);
    return edges.stream().mapToInt(Integer::intValue).toArray();
  }

  /** PSI = Σ (cur − ref) · ln(cur / ref) over the bins of {@link #binEdges}. */
  public static double psi(long[] reference, long[] current, int bins) {
    int[] edges = binEdges(reference, bins);
    long n = sum(reference);
    long m = sum(current);
    double psi = 0;
    int from = 0;
    for (int edge : edges) {
      long r = 0;
      long c = 0;
      for (int i = from; i <= edge; i++) {
        r += reference[i];
        c += current[i];
      }
      double rs = Math.max((double) r / n, EMPTY_SHARE);
      double cs = Math.max((double) c / m, EMPTY_SHARE);
      psi += (cs - rs) * Math.log(cs / rs);
      from = edge + 1;
    }
    return psi;
  }

  static long sum(long[] a) {
    long s = 0;
    for (long x : a) {
      s += x;
    }
    return s;
  }
}
