package com.altaviz.etl.common.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

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
    boolean[] any = new boolean[columns.size()];
    List<Column> projected = new ArrayList<>();
    projected.add((modelColumn == null ? lit(null).cast("string") : col(modelColumn)).as("m"));
    projected.add(col("side").equalTo(lit(REFERENCE)).as("ref"));
    for (int i = 0; i < columns.size(); i++) {
      String c = columns.get(i);
      if (b.isNullAt(2 * i)) {
        continue; // no value at all on either side
      }
      any[i] = true;
      lo[i] = ((Number) b.get(2 * i)).doubleValue();
      hi[i] = ((Number) b.get(2 * i + 1)).doubleValue();
      projected.add(col(c).cast("double").as("v" + i));
    }
    Map<Key, Histogram> out = new LinkedHashMap<>();
    if (projected.size() == 2) {
      return out;
    }
    // Counted per partition into arrays, not exploded into (column, cell) rows for a shuffle:
    // one pass over the rows, and only a few arrays per partition reach the driver.
    List<Row> partials =
        rows.select(projected.toArray(Column[]::new))
            .mapPartitions(new CountCells(any, lo, hi, grid), Encoders.row(CountCells.SCHEMA))
            .collectAsList();
    for (Row r : partials) {
      int i = r.getInt(2);
      String column = columns.get(i);
      boolean ref = r.getBoolean(1);
      List<Long> counts = r.getList(3);
      add(out, new Key(CheckResult.ALL, column), lo[i], hi[i], grid, ref, counts);
      if (modelColumn != null && !r.isNullAt(0)) {
        add(out, new Key("model=" + r.getString(0), column), lo[i], hi[i], grid, ref, counts);
      }
    }
    return out;
  }

  /**
   * The grid counts of one partition: per model, side and column, an array of {@code grid} counts.
   * Cell of v = min(grid − 1, floor((v − lo) / ((hi − lo) / grid))), as the docs define it.
   */
  private static final class CountCells implements MapPartitionsFunction<Row, Row> {
    static final StructType SCHEMA =
        new StructType()
            .add("m", DataTypes.StringType)
            .add("ref", DataTypes.BooleanType)
            .add("c", DataTypes.IntegerType)
            .add("counts", DataTypes.createArrayType(DataTypes.LongType, false));

    private final boolean[] any;
    private final double[] lo;
    private final double[] width;
    private final int grid;

    CountCells(boolean[] any, double[] lo, double[] hi, int grid) {
      this.any = any;
      this.lo = lo;
      this.grid = grid;
      this.width = new double[lo.length];
      for (int i = 0; i < lo.length; i++) {
        width[i] = hi[i] > lo[i] ? (hi[i] - lo[i]) / grid : 1;
      }
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Map<List<Object>, long[][]> counts = new HashMap<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        long[][] c =
            counts.computeIfAbsent(
                Arrays.asList(r.isNullAt(0) ? null : r.getString(0), r.getBoolean(1)),
                k -> new long[any.length][]);
        int field = 2;
        for (int i = 0; i < any.length; i++) {
          if (!any[i]) {
            continue;
          }
          if (!r.isNullAt(field)) {
            double v = r.getDouble(field);
            if (!Double.isNaN(v)) {
              if (c[i] == null) {
                c[i] = new long[grid];
              }
              c[i][(int) Math.min(grid - 1, (long) Math.floor((v - lo[i]) / width[i]))]++;
            }
          }
          field++;
        }
      }
      List<Row> out = new ArrayList<>();
      counts.forEach(
          (k, c) -> {
            for (int i = 0; i < c.length; i++) {
              if (c[i] != null) {
                Long[] boxed = new Long[grid];
                for (int j = 0; j < grid; j++) {
                  boxed[j] = c[i][j];
                }
                out.add(RowFactory.create(k.get(0), k.get(1), i, boxed));
              }
            }
          });
      return out.iterator();
    }
  }

  private static void add(
      Map<Key, Histogram> out,
      Key k,
      double lo,
      double hi,
      int grid,
      boolean ref,
      List<Long> counts) {
    Histogram h =
        out.computeIfAbsent(k, x -> new Histogram(lo, hi, new long[grid], new long[grid]));
    long[] into = ref ? h.reference() : h.current();
    for (int j = 0; j < grid; j++) {
      into[j] += counts.get(j);
    }
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
