package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * Rule 6 (spikes): a Hampel filter per compressor and sensor. Over each sensor's non-null, finite
 * values in time order, a value is a spike when it deviates from the median of its centred window
 * (default 7 readings: 3 before, itself, 3 after) by more than {@code threshold × 1.4826 × MAD}
 * (1.4826 × MAD estimates σ for Gaussian noise: a "4 standard deviations" rule at the default
 * threshold, made robust). A sustained shift is not a spike: a centred median follows a step after
 * half a window, so every reading of the new level is near its median.
 *
 * <p>The scale is never below the typical window MAD of the reading's UTC day (the median of the
 * window MADs of that compressor, sensor and day). Per day, not per data read: a verdict must not
 * depend on how many days a run happens to read, or daily runs would differ from a backfill over
 * the same days. A 7-reading MAD is a very noisy σ estimate: on pure Gaussian noise the classic
 * filter flags ~2.4% of values at 4 MADs (2.2% per sensor on the simulator's demo data), i.e. it
 * mostly nulls good readings whose window happened to be quiet. With the floor the false-positive
 * rate is ~0.09% on Gaussian noise (0.003% on the simulator's noise, truncated at 2σ) while a spike
 * of 8σ is still caught 92% of the time (measured on simulated series). If both MADs are 0 (a flat
 * or quantised signal) the scale falls back to the window's mean absolute deviation around the
 * median (× 1.2533, its σ factor for Gaussian noise).
 *
 * <p>Edges: where fewer than 3 neighbours exist on one side (the ends of the data read, which
 * include the lookback and a context margin on both sides of the processed range), the window is
 * the available asymmetric one, e.g. the last reading is judged against its 3 predecessors. A value
 * is only judged when its window holds at least half-window (3) neighbours; a series with fewer
 * than 4 values is not judged at all. Because silver re-processes the previous day (lookback), a
 * reading judged at the end of one run is judged again, with both sides, by the next run, and that
 * verdict replaces the first.
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
   * Adds {@link #FLAGS} (an array of value flags, empty for most rows): {@link #detect} on the
   * eligible rows, then {@link #attach}. Rows where {@code eligible} is false (rejected rows,
   * superseded duplicates) are not neighbours and get no flags. Values are not changed here.
   */
  public static Dataset<Row> flag(
      Dataset<Row> df, List<String> sensors, int window, double thresholdMads, Column eligible) {
    return attach(df, detect(df.where(eligible), sensors, window, thresholdMads), eligible);
  }

  /**
   * The spike flags of {@code readings} (all taken as eligible; unique per compressor and
   * timestamp): one row (compressor_id, timestamp, {@link #FLAGS}) per reading with at least one
   * spike value. Only this narrow projection goes through the per-compressor Java code. Grouped by
   * the {@code compressor_id} column itself, so input already hash-partitioned by compressor (the
   * silver plan partitions once, for deduplication too) is not shuffled again; each compressor's
   * readings are sorted in memory (a week is ~1,000).
   */
  public static Dataset<Row> detect(
      Dataset<Row> readings, List<String> sensors, int window, double thresholdMads) {
    List<Column> cols = new ArrayList<>(List.of(col("compressor_id"), col("timestamp")));
    sensors.forEach(s -> cols.add(col(s)));
    Dataset<Row> narrow = readings.select(cols.toArray(Column[]::new));
    StructType out =
        new StructType()
            .add("compressor_id", DataTypes.StringType)
            .add("timestamp", DataTypes.TimestampType)
            .add(FLAGS, FLAGS_TYPE, false);
    return narrow
        .groupBy(col("compressor_id"))
        .as(Encoders.STRING(), Encoders.row(narrow.schema()))
        .flatMapGroups(
            new Detector(sensors.toArray(String[]::new), window, thresholdMads), Encoders.row(out));
  }

  /**
   * Puts the flags of {@code spikes} (from {@link #detect}) on the matching eligible rows of {@code
   * df}; every other row gets an empty array. The flagged readings are few — a run where many
   * values are spikes fails the rejected-share gate — so they are broadcast and the full rows are
   * never shuffled or converted to Java objects for this rule.
   */
  public static Dataset<Row> attach(Dataset<Row> df, Dataset<Row> spikes, Column eligible) {
    Dataset<Row> flagged =
        spikes
            .withColumnRenamed("compressor_id", "__spike_id")
            .withColumnRenamed("timestamp", "__spike_ts");
    Column match =
        eligible
            .and(col("compressor_id").equalTo(col("__spike_id")))
            .and(col("timestamp").equalTo(col("__spike_ts")));
    return df.join(broadcast(flagged), match, "left")
        .withColumn(FLAGS, coalesce(col(FLAGS), array().cast(FLAGS_TYPE)))
        .drop("__spike_id", "__spike_ts");
  }

  /** The per-compressor filter; plain Java over the group's rows. */
  static final class Detector implements FlatMapGroupsFunction<String, Row, Row> {
    /** Narrow input rows: compressor_id, timestamp, then the sensors in this order. */
    private static final int TS = 1;

    private static final int FIRST_SENSOR = 2;
    private final String[] sensors;
    private final int half;
    private final double thresholdMads;

    Detector(String[] sensors, int window, double thresholdMads) {
      this.sensors = sensors;
      this.half = window / 2;
      this.thresholdMads = thresholdMads;
    }

    @Override
    public Iterator<Row> call(String compressor, Iterator<Row> rows) {
      List<Row> all = new ArrayList<>();
      rows.forEachRemaining(all::add);
      List<List<Row>> flags = detect(all);
      List<Row> out = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        if (flags.get(i) != null) {
          // Row encoders take a Scala Seq for array columns
          out.add(
              RowFactory.create(
                  compressor,
                  all.get(i).get(TS),
                  JavaConverters.asScalaBuffer(flags.get(i)).toList()));
        }
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
              .filter(i -> !all.get(i).isNullAt(TS))
              .boxed()
              .toArray(Integer[]::new);
      Arrays.sort(order, Comparator.comparing(i -> (Timestamp) all.get(i).get(TS)));
      WindowMedian median = new WindowMedian(2 * half + 1);
      double[] values = new double[order.length];
      int[] rowOf = new int[order.length];
      for (int s = 0; s < sensors.length; s++) {
        int m = 0;
        for (int i : order) {
          Row r = all.get(i);
          if (!r.isNullAt(FIRST_SENSOR + s)) {
            double x = r.getDouble(FIRST_SENSOR + s);
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
        for (int i = 0; i < m; i++) {
          int lo = Math.max(0, i - half);
          int n = Math.min(m - 1, i + half) - lo + 1;
          if (n - 1 < half) {
            continue; // too few neighbours to tell a spike from a change
          }
          judged[i] = true;
          med[i] = median.of(values, lo, n);
          mad[i] = median.absoluteDeviation(values, lo, n, med[i]);
        }
        // The typical window MAD of each UTC day (the floor of its windows' scale); values are
        // in time order, so a day is one segment.
        double[] typicalOf = new double[m];
        double[] mads = new double[m];
        for (int from = 0; from < m; ) {
          long day = epochDay(all.get(rowOf[from]));
          int to = from;
          int k = 0;
          while (to < m && epochDay(all.get(rowOf[to])) == day) {
            if (judged[to]) {
              mads[k++] = mad[to];
            }
            to++;
          }
          Arrays.fill(typicalOf, from, to, k == 0 ? 0 : median.ofLong(mads, k));
          from = to;
        }
        // Pass 2: flag.
        for (int i = 0; i < m; i++) {
          if (!judged[i]) {
            continue;
          }
          double typical = typicalOf[i];
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
            String how =
                scale == 0
                    ? "1.2533 x mean absolute deviation " + num(meanAd) + " (MAD is 0)"
                    : "1.4826 x max(window MAD "
                        + num(mad[i])
                        + ", typical MAD "
                        + num(typical)
                        + ")";
            String reason =
                String.format(
                    Locale.ROOT,
                    "%s = %s deviates %s from the median %s of %d readings around it "
                        + "(limit %s x %s = %s)",
                    sensors[s],
                    num(values[i]),
                    num(deviation),
                    num(med[i]),
                    n,
                    num(thresholdMads),
                    how,
                    num(limit));
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

    private static long epochDay(Row r) {
      return Math.floorDiv(((Timestamp) r.get(TS)).getTime(), 86_400_000L);
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
