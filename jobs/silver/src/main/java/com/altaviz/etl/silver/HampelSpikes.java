package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;

import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Rule 6 (spikes): a Hampel filter per compressor and sensor. Over each sensor's non-null,
 * finite values in time order, a value is a spike when it deviates from the median of its
 * centred window (default 7 readings: 3 before, itself, 3 after) by more than {@code threshold ×
 * 1.4826 × MAD} (1.4826 × MAD estimates σ for Gaussian noise: the guide's "4 standard
 * deviations", made robust). A sustained shift is not a spike: a centred median follows a step
 * after half a window, so every reading of the new level is near its median.
 *
 * <p>The scale is never below the series' typical window MAD (the median of the window MADs of
 * that compressor and sensor in the data read). A 7-reading MAD is a very noisy σ estimate: on
 * pure Gaussian noise the classic filter flags ~2.4% of values at 4 MADs (2.2% per sensor on the
 * simulator's demo data), i.e. it mostly nulls good readings whose window happened to be quiet.
 * With the floor the false-positive rate is ~0.09% on Gaussian noise (0.003% on the simulator's
 * noise, truncated at 2σ) while a spike of 8σ is still caught 92% of the time (measured on
 * simulated series). If both MADs are 0 (a flat or quantised signal) the scale falls back to the
 * window's mean absolute deviation around the median (× 1.2533, its σ factor for Gaussian noise).
 *
 * <p>Edges: where fewer than 3 neighbours exist on one side (the ends of the data read, which
 * include the lookback and a context margin on both sides of the processed range), the window
 * is the available asymmetric one, e.g. the last reading is judged against its 3 predecessors.
 * A value is only judged when its window holds at least half-window (3) neighbours; a series
 * with fewer than 4 values is not judged at all. Because silver re-processes the previous day
 * (lookback), a reading judged at the end of one run is judged again, with both sides, by the
 * next run, and that verdict replaces the first.
 */
public final class HampelSpikes {
  private HampelSpikes() {}

  public static final String FLAGS = "_spike_flags";
  /** σ ≈ 1.4826 × MAD for normally distributed noise. */
  public static final double MAD_SCALE = 1.4826;
  /** σ ≈ 1.2533 × mean absolute deviation for normally distributed noise. */
  public static final double MEAN_AD_SCALE = 1.2533;

  private static final ArrayType FLAGS_TYPE = SilverColumns.VALUE_FLAGS_TYPE;

  /**
   * Adds {@link #FLAGS} (an array of value flags, empty for most rows). Rows where {@code
   * eligible} is false (rejected rows, superseded duplicates) are passed through and are not
   * neighbours. Values are not changed here.
   *
   * <p>Grouping is by the {@code compressor_id} column itself, so when the input is already
   * hash-partitioned by compressor (the silver plan partitions once, for deduplication too) no
   * further shuffle happens; each compressor's rows are sorted in memory (a week is ~1,000).
   */
  public static Dataset<Row> flag(
      Dataset<Row> df, List<String> sensors, int window, double thresholdMads, Column eligible) {
    Dataset<Row> in = df.withColumn("__eligible", eligible);
    StructType inSchema = in.schema();
    StructType outSchema = inSchema.add(FLAGS, FLAGS_TYPE, false);
    int[] sensorIdx = sensors.stream().mapToInt(inSchema::fieldIndex).toArray();
    Detector detector =
        new Detector(
            sensors.toArray(String[]::new),
            sensorIdx,
            inSchema.fieldIndex("timestamp"),
            inSchema.fieldIndex("__eligible"),
            window,
            thresholdMads);
    return in.groupBy(col("compressor_id"))
        .as(Encoders.STRING(), Encoders.row(inSchema))
        .flatMapGroups(detector, Encoders.row(outSchema))
        .drop("__eligible");
  }

  /** The per-compressor filter; plain Java over the group's rows. */
  static final class Detector implements FlatMapGroupsFunction<String, Row, Row> {
    private static final scala.collection.immutable.List<Row> NO_FLAGS =
        scala.collection.immutable.List$.MODULE$.empty();
    private final String[] sensors;
    private final int[] sensorIdx;
    private final int tsIdx;
    private final int eligibleIdx;
    private final int half;
    private final double thresholdMads;

    Detector(String[] sensors, int[] sensorIdx, int tsIdx, int eligibleIdx, int window,
        double thresholdMads) {
      this.sensors = sensors;
      this.sensorIdx = sensorIdx;
      this.tsIdx = tsIdx;
      this.eligibleIdx = eligibleIdx;
      this.half = window / 2;
      this.thresholdMads = thresholdMads;
    }

    @Override
    public Iterator<Row> call(String compressor, Iterator<Row> rows) {
      List<Row> all = new ArrayList<>();
      rows.forEachRemaining(all::add);
      List<List<Row>> flags = detect(all);
      List<Row> out = new ArrayList<>(all.size());
      for (int i = 0; i < all.size(); i++) {
        Row r = all.get(i);
        Object[] v = new Object[r.size() + 1];
        for (int c = 0; c < r.size(); c++) {
          v[c] = r.get(c);
        }
        // Row encoders take a Scala Seq for array columns
        v[r.size()] = flags.get(i) == null ? NO_FLAGS
            : JavaConverters.asScalaBuffer(flags.get(i)).toList();
        out.add(RowFactory.create(v));
      }
      return out.iterator();
    }

    /** Flags per input row (null when none), for the rows of one compressor. */
    List<List<Row>> detect(List<Row> all) {
      List<List<Row>> flags = new ArrayList<>(all.size());
      for (int i = 0; i < all.size(); i++) {
        flags.add(null);
      }
      Integer[] order =
          java.util.stream.IntStream.range(0, all.size())
              .filter(i -> Boolean.TRUE.equals(all.get(i).get(eligibleIdx))
                  && !all.get(i).isNullAt(tsIdx))
              .boxed()
              .toArray(Integer[]::new);
      Arrays.sort(order, Comparator.comparing(i -> (Timestamp) all.get(i).get(tsIdx)));
      WindowMedian median = new WindowMedian(2 * half + 1);
      double[] values = new double[order.length];
      int[] rowOf = new int[order.length];
      for (int s = 0; s < sensors.length; s++) {
        int m = 0;
        for (int i : order) {
          Row r = all.get(i);
          if (!r.isNullAt(sensorIdx[s])) {
            double x = r.getDouble(sensorIdx[s]);
            if (Double.isFinite(x)) {
              values[m] = x;
              rowOf[m] = i;
              m++;
            }
          }
        }
        // Pass 1: median and MAD of every judged position's window.
        double[] med = new double[m];
        double[] mad = new double[m];
        boolean[] judged = new boolean[m];
        double[] mads = new double[m];
        int k = 0;
        for (int i = 0; i < m; i++) {
          int lo = Math.max(0, i - half);
          int n = Math.min(m - 1, i + half) - lo + 1;
          if (n - 1 < half) {
            continue; // too few neighbours to tell a spike from a change
          }
          judged[i] = true;
          med[i] = median.of(values, lo, n);
          mad[i] = median.absoluteDeviation(values, lo, n, med[i]);
          mads[k++] = mad[i];
        }
        // The series' typical window MAD: the floor of every window's scale.
        double typical = k == 0 ? 0 : median.ofLong(mads, k);
        // Pass 2: flag.
        for (int i = 0; i < m; i++) {
          if (!judged[i]) {
            continue;
          }
          int lo = Math.max(0, i - half);
          int n = Math.min(m - 1, i + half) - lo + 1;
          double scale = Math.max(mad[i], typical);
          double limit = thresholdMads * MAD_SCALE * scale;
          double meanAd = 0;
          if (scale == 0) {
            meanAd = meanAbsoluteDeviation(values, lo, n, med[i]);
            limit = thresholdMads * MEAN_AD_SCALE * meanAd;
          }
          double deviation = Math.abs(values[i] - med[i]);
          if (deviation > limit) {
            // the reason text is built for flagged values only: formatting is not cheap
            String how = scale == 0
                ? "1.2533 x mean absolute deviation " + num(meanAd) + " (MAD is 0)"
                : "1.4826 x max(window MAD " + num(mad[i]) + ", typical MAD " + num(typical) + ")";
            String reason =
                String.format(
                    Locale.ROOT,
                    "%s = %s deviates %s from the median %s of %d readings around it "
                        + "(limit %s x %s = %s)",
                    sensors[s], num(values[i]), num(deviation), num(med[i]), n,
                    num(thresholdMads), how, num(limit));
            int row = rowOf[i];
            if (flags.get(row) == null) {
              flags.set(row, new ArrayList<>(1));
            }
            flags.get(row).add(RowFactory.create(RuleNames.SPIKE, sensors[s], values[i], reason));
          }
        }
      }
      return flags;
    }

    private static double meanAbsoluteDeviation(double[] values, int from, int n, double centre) {
      double sum = 0;
      for (int j = 0; j < n; j++) {
        sum += Math.abs(values[from + j] - centre);
      }
      return sum / n;
    }

    private static String num(double x) {
      return new BigDecimal(x).round(new MathContext(5)).stripTrailingZeros().toPlainString();
    }
  }
}
