package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.config.ThresholdsConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One time-ordered pass over each compressor's gold readings (one shuffle by compressor, one sort)
 * that yields both what the export needs from the readings: the {@code sensor_readings_agg} buckets
 * (see {@link SensorAggregates}) and the alert boundary readings (see {@link
 * AlertEpisodes#boundaryReadings}). Buckets are UTC-aligned and readings arrive in time order, so
 * every bucket is complete when the next one starts: plain Java accumulators replace a hash
 * aggregation of every reading exploded three times, and the episode numbering needs no second
 * scan, shuffle and window sort of gold.
 *
 * <p>Statistics follow Spark's aggregate functions exactly: mean = sum / count, sample std by the
 * same streaming moment update as {@code stddev_samp} (null below two values), min/max ordering NaN
 * above every number; nulls are ignored.
 */
final class ReadingPass implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Input columns: gold's, plus whether a reading feeds the aggregates and the alert episodes. */
  static final String IN_AGG = "_in_agg";

  static final String IN_EPISODES = "_in_episodes";

  /** {@code boundaryReadings} columns, as {@link AlertEpisodes#boundaryReadings} documents. */
  static final StructType BOUNDARY_SCHEMA =
      new StructType()
          .add("compressor_id", DataTypes.StringType)
          .add("sensor", DataTypes.StringType)
          .add("timestamp", DataTypes.TimestampType)
          .add("value", DataTypes.DoubleType)
          .add("signed_value", DataTypes.DoubleType)
          .add("level", DataTypes.IntegerType)
          .add("rn", DataTypes.LongType)
          .add("n", DataTypes.LongType)
          .add("next_ts", DataTypes.TimestampType);

  /** Combined output: kind 0 = a chunk of binary COPY aggregate tuples, 1 = a boundary reading. */
  static final StructType COMBINED_SCHEMA;

  static {
    StructType s =
        new StructType()
            .add("kind", DataTypes.IntegerType, false)
            .add("chunk", DataTypes.BinaryType);
    for (var f : BOUNDARY_SCHEMA.fields()) {
      s = s.add(f);
    }
    COMBINED_SCHEMA = s;
  }

  static final int KIND_CHUNK = 0;
  static final int KIND_BOUNDARY = 1;

  /** Below G1's humongous-object size for a 2 GB heap (half a 1 MiB region). */
  private static final int CHUNK_BYTES = 256 * 1024;

  private static final long MICROS = 1_000_000L;
  private static final int SENSORS = Schemas.SENSOR_COLUMNS.size();
  private static final AlertSensor[] ALERTS = AlertSensor.values();

  private final int closeAfter;
  private final long cadenceSeconds;
  private final int[] alertColumn = new int[ALERTS.length];
  private final double[] signs = new double[ALERTS.length];
  private final double[] warning = new double[ALERTS.length];
  private final double[] critical = new double[ALERTS.length];

  ReadingPass(ThresholdsConfig thresholds, int closeAfter, int readingIntervalMinutes) {
    this.closeAfter = closeAfter;
    this.cadenceSeconds = readingIntervalMinutes * 60L;
    for (int a = 0; a < ALERTS.length; a++) {
      AlertSensor s = ALERTS[a];
      ThresholdsConfig.Level l = s.limits(thresholds);
      alertColumn[a] = Schemas.SENSOR_COLUMNS.indexOf(s.column);
      signs[a] = s.sign();
      warning[a] = l.warning * s.sign();
      critical[a] = l.critical * s.sign();
    }
  }

  /**
   * {@code readings} (gold columns) with the two input flags, hashed by compressor and sorted by
   * time within each partition: the order the pass needs.
   */
  static Dataset<Row> ordered(Dataset<Row> readings, Column inAgg, Column inEpisodes) {
    List<Column> cols = new ArrayList<>(List.of(col("compressor_id"), col("timestamp")));
    Schemas.SENSOR_COLUMNS.forEach(s -> cols.add(col(s)));
    cols.add(inAgg.as(IN_AGG));
    cols.add(inEpisodes.as(IN_EPISODES));
    return readings
        .select(cols.toArray(Column[]::new))
        .where(col(IN_AGG).or(col(IN_EPISODES)))
        .repartition(col("compressor_id"))
        .sortWithinPartitions("compressor_id", "timestamp");
  }

  /** Aggregate rows in {@link SensorAggregates#columns()} order (every reading aggregated). */
  Dataset<Row> aggregates(Dataset<Row> readings) {
    ReadingPass pass = this;
    return ordered(readings, lit(true), lit(false))
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>) rows -> pass.run(rows, Mode.AGG_ROWS, null),
            Encoders.row(SensorAggregates.schema()));
  }

  /** Boundary readings of every reading ({@link #BOUNDARY_SCHEMA}). */
  Dataset<Row> boundary(Dataset<Row> readings) {
    ReadingPass pass = this;
    return ordered(readings, lit(false), lit(true))
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>) rows -> pass.run(rows, Mode.BOUNDARY, null),
            Encoders.row(BOUNDARY_SCHEMA));
  }

  /**
   * Both outputs of {@link #ordered} input in one pass ({@link #COMBINED_SCHEMA}): aggregate tuples
   * already encoded for binary COPY into {@code sensor_readings_agg} (run_id last), boundary
   * readings as rows.
   */
  Dataset<Row> combined(Dataset<Row> orderedInput, String runId) {
    ReadingPass pass = this;
    return orderedInput.mapPartitions(
        (MapPartitionsFunction<Row, Row>) rows -> pass.run(rows, Mode.COMBINED, runId),
        Encoders.row(COMBINED_SCHEMA));
  }

  enum Mode {
    AGG_ROWS,
    BOUNDARY,
    COMBINED
  }

  Iterator<Row> run(Iterator<Row> rows, Mode mode, String runId) {
    return new Out(rows, mode, runId);
  }

  /** Processes one compressor at a time into a queue of output rows. */
  private final class Out implements Iterator<Row> {
    private final Iterator<Row> rows;
    private final Mode mode;
    private final byte[] runId;
    private final ArrayDeque<Row> queue = new ArrayDeque<>();
    private final ByteArrayOutputStream buf;
    private final DataOutputStream out;
    private final Bucket[] buckets = new Bucket[SensorAggregates.Bucket.values().length];
    private final Series[] series = new Series[ALERTS.length];
    private final double[] values = new double[SENSORS];
    private final boolean[] present = new boolean[SENSORS];
    private Row pending;
    private boolean done;

    Out(Iterator<Row> rows, Mode mode, String runId) {
      this.rows = rows;
      this.mode = mode;
      this.runId = runId == null ? null : runId.getBytes(StandardCharsets.UTF_8);
      if (mode == Mode.COMBINED) {
        buf = new ByteArrayOutputStream(CHUNK_BYTES + 8192);
        out = new DataOutputStream(buf);
      } else {
        buf = null;
        out = null;
      }
      SensorAggregates.Bucket[] types = SensorAggregates.Bucket.values();
      for (int b = 0; b < types.length; b++) {
        buckets[b] = new Bucket(types[b]);
      }
      for (int a = 0; a < series.length; a++) {
        series[a] = new Series(a);
      }
    }

    @Override
    public boolean hasNext() {
      while (queue.isEmpty() && !done) {
        fill();
      }
      return !queue.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return queue.poll();
    }

    /** Reads one compressor's readings (the first of the next one stays pending). */
    private void fill() {
      Row first = pending != null ? pending : rows.hasNext() ? rows.next() : null;
      pending = null;
      if (first == null) {
        done = true;
        flushChunk();
        return;
      }
      String id = first.getString(0);
      for (Bucket b : buckets) {
        b.reset(id);
      }
      for (Series s : series) {
        s.reset(id);
      }
      Row r = first;
      while (r != null) {
        reading(r);
        if (!rows.hasNext()) {
          break;
        }
        r = rows.next();
        if (!id.equals(r.getString(0))) {
          pending = r;
          break;
        }
      }
      for (Bucket b : buckets) {
        b.emit();
      }
      if (mode != Mode.AGG_ROWS) {
        for (Series s : series) {
          for (Object[] k : s.finish()) {
            queue.add(boundaryRow(k));
          }
        }
      }
    }

    private void reading(Row r) {
      long micros = micros(r.get(1));
      for (int i = 0; i < SENSORS; i++) {
        present[i] = !r.isNullAt(2 + i);
        values[i] = present[i] ? r.getDouble(2 + i) : 0.0;
      }
      if (r.getBoolean(2 + SENSORS) && mode != Mode.BOUNDARY) {
        long second = Math.floorDiv(micros, MICROS);
        for (Bucket b : buckets) {
          b.add(second, values, present);
        }
      }
      if (r.getBoolean(3 + SENSORS) && mode != Mode.AGG_ROWS) {
        for (Series s : series) {
          s.add(micros);
        }
      }
    }

    private Row boundaryRow(Object[] k) {
      if (mode == Mode.BOUNDARY) {
        return RowFactory.create(k);
      }
      Object[] v = new Object[2 + k.length];
      v[0] = KIND_BOUNDARY;
      System.arraycopy(k, 0, v, 2, k.length);
      return RowFactory.create(v);
    }

    private void flushChunk() {
      if (buf != null && buf.size() > 0) {
        Object[] v = new Object[2 + BOUNDARY_SCHEMA.size()];
        v[0] = KIND_CHUNK;
        v[1] = buf.toByteArray();
        queue.add(RowFactory.create(v));
        buf.reset();
      }
    }

    /** The running statistics of one bucket type for the current compressor. */
    private final class Bucket {
      private final SensorAggregates.Bucket type;
      private final long expected;
      private final long[] n = new long[SENSORS];
      private final double[] sum = new double[SENSORS];
      private final double[] avg = new double[SENSORS];
      private final double[] m2 = new double[SENSORS];
      private final double[] min = new double[SENSORS];
      private final double[] max = new double[SENSORS];
      private String id;
      private long start = Long.MIN_VALUE;
      private int count;

      Bucket(SensorAggregates.Bucket type) {
        this.type = type;
        this.expected = type.seconds / cadenceSeconds;
      }

      void reset(String compressor) {
        id = compressor;
        start = Long.MIN_VALUE;
        count = 0;
      }

      void add(long second, double[] v, boolean[] has) {
        long s = Math.floorDiv(second, type.seconds) * type.seconds;
        if (s != start) {
          emit();
          start = s;
          count = 0;
          Arrays.fill(n, 0);
          Arrays.fill(sum, 0.0);
          Arrays.fill(avg, 0.0);
          Arrays.fill(m2, 0.0);
        }
        count++;
        for (int i = 0; i < SENSORS; i++) {
          if (!has[i]) {
            continue;
          }
          double x = v[i];
          if (n[i] == 0) {
            min[i] = x;
            max[i] = x;
          } else {
            // Spark's ordering for doubles: NaN above everything
            if (Double.compare(x, min[i]) < 0) {
              min[i] = x;
            }
            if (Double.compare(x, max[i]) > 0) {
              max[i] = x;
            }
          }
          n[i]++;
          sum[i] += x;
          // CentralMomentAgg's update, as stddev_samp computes it
          double delta = x - avg[i];
          double deltaN = delta / n[i];
          avg[i] += deltaN;
          m2[i] += delta * (delta - deltaN);
        }
      }

      /** Writes the finished bucket, if any. */
      void emit() {
        if (count == 0) {
          return;
        }
        int missing = (int) Math.max(expected - count, 0);
        if (mode == Mode.COMBINED) {
          try {
            tuple(missing);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          if (buf.size() >= CHUNK_BYTES) {
            flushChunk();
          }
        } else if (mode == Mode.AGG_ROWS) {
          Object[] row = new Object[5 + 4 * SENSORS];
          row[0] = id;
          row[1] = type.windowType;
          row[2] = new Timestamp(start * 1000L);
          for (int i = 0; i < SENSORS; i++) {
            row[3 + 4 * i] = n[i] == 0 ? null : sum[i] / n[i];
            row[4 + 4 * i] = n[i] < 2 ? null : Math.sqrt(m2[i] / (n[i] - 1));
            row[5 + 4 * i] = n[i] == 0 ? null : min[i];
            row[6 + 4 * i] = n[i] == 0 ? null : max[i];
          }
          row[3 + 4 * SENSORS] = count;
          row[4 + 4 * SENSORS] = missing;
          queue.add(RowFactory.create(row));
        }
        count = 0;
      }

      /** One binary COPY tuple in {@code sensor_readings_agg} column order, run_id last. */
      private void tuple(int missing) throws IOException {
        out.writeShort(6 + 4 * SENSORS);
        text(id);
        text(type.windowType);
        out.writeInt(8);
        out.writeLong(start * MICROS - BinaryCopy.PG_EPOCH_MICROS);
        for (int i = 0; i < SENSORS; i++) {
          float8(n[i] == 0, sum[i] / n[i]);
          float8(n[i] < 2, Math.sqrt(m2[i] / (n[i] - 1)));
          float8(n[i] == 0, min[i]);
          float8(n[i] == 0, max[i]);
        }
        out.writeInt(4);
        out.writeInt(count);
        out.writeInt(4);
        out.writeInt(missing);
        out.writeInt(runId.length);
        out.write(runId);
      }

      private void text(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      }

      private void float8(boolean isNull, double v) throws IOException {
        if (isNull) {
          out.writeInt(-1);
        } else {
          out.writeInt(8);
          out.writeDouble(v);
        }
      }
    }

    /**
     * The valid readings of one alert sensor in time order, numbered: keeps the non-normal ones,
     * the reading right after each, and the {@code closeAfter}-th (or, with fewer, the last).
     */
    private final class Series {
      private final int a;
      private final int column;
      private final List<Object[]> kept = new ArrayList<>();
      private String id;
      private long n;
      private int prevLevel;
      private Object[] lastKept;
      private long lastKeptRn;
      private Object[] last;
      private boolean lastIsKept;

      Series(int a) {
        this.a = a;
        this.column = alertColumn[a];
      }

      void reset(String compressor) {
        id = compressor;
        kept.clear();
        n = 0;
        prevLevel = -1;
        lastKept = null;
        lastKeptRn = 0;
        last = null;
        lastIsKept = false;
      }

      void add(long micros) {
        if (!present[column] || Double.isNaN(values[column])) {
          return;
        }
        double v = values[column];
        double signed = v * signs[a];
        int level =
            signed >= critical[a]
                ? SensorLevels.CRITICAL
                : signed >= warning[a] ? SensorLevels.WARNING : SensorLevels.NORMAL;
        n++;
        Timestamp ts = timestamp(micros);
        Object[] row = {id, ALERTS[a].column, ts, v, signed, level, n, null, null};
        boolean keep =
            level > SensorLevels.NORMAL || prevLevel > SensorLevels.NORMAL || n == closeAfter;
        if (keep) {
          keepRow(row);
        }
        last = row;
        lastIsKept = keep;
        prevLevel = level;
      }

      private void keepRow(Object[] row) {
        long rn = (Long) row[6];
        if (lastKept != null && lastKeptRn == rn - 1) {
          lastKept[8] = row[2];
        }
        kept.add(row);
        lastKept = row;
        lastKeptRn = rn;
      }

      /** Fewer than closeAfter readings: the last one is kept; every row learns n. */
      List<Object[]> finish() {
        if (n > 0 && n < closeAfter && !lastIsKept) {
          keepRow(last);
        }
        for (Object[] k : kept) {
          k[7] = n;
        }
        return kept;
      }
    }
  }

  private static Timestamp timestamp(long micros) {
    Timestamp t = new Timestamp(Math.floorDiv(micros, 1000L));
    t.setNanos((int) Math.floorMod(micros, MICROS) * 1000);
    return t;
  }

  private static long micros(Object ts) {
    Instant i = ts instanceof Instant in ? in : ((Timestamp) ts).toInstant();
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), MICROS), i.getNano() / 1000);
  }
}
