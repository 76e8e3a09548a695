package com.altaviz.etl.gold;

import com.altaviz.etl.gold.RollingFeatures.Feature;
import com.altaviz.etl.gold.StatusFlags.Level;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.LongAccumulator;

/**
 * The per-partition work of gold: one shuffle partition holds every reading of its compressors
 * (rows in {@link GoldSchema#INPUT_COLUMNS} layout). The partition is buffered into primitive
 * arrays, ordered by (compressor, time) with a counting sort plus a per-compressor time sort,
 * and each compressor's features are computed in one {@link RollingFeatures} pass; rows in the
 * output range are emitted as internal rows in {@link GoldSchema#OUTPUT} layout.
 *
 * <p>Working on Spark's InternalRow (not Row) and on primitive arrays avoids the object
 * conversion that dominates a Row-based mapPartitions. Memory is about 90 bytes per buffered
 * reading; raise {@code spark.shuffle_partitions} when one partition outgrows an executor.
 */
public final class FeaturePass implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private static final long serialVersionUID = 1L;
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final UTF8String[] LABELS = {
    UTF8String.fromString(Level.NORMAL.label),
    UTF8String.fromString(Level.WARNING.label),
    UTF8String.fromString(Level.CRITICAL.label)
  };

  private final Broadcast<CompressorCatalog> catalog;
  private final Broadcast<MaintenanceHistory> maintenance;
  private final StatusFlags flags;
  private final long outputStart;
  private final long outputEnd;
  private final String runId;
  private final LongAccumulator rowsIn;
  private final LongAccumulator rowsOut;

  /**
   * @param outputStart first timestamp (epoch µs, inclusive) to emit; earlier rows are warm-up
   * @param outputEnd timestamp (epoch µs, exclusive) where emission stops
   */
  public FeaturePass(
      Broadcast<CompressorCatalog> catalog,
      Broadcast<MaintenanceHistory> maintenance,
      StatusFlags flags,
      long outputStart,
      long outputEnd,
      String runId,
      LongAccumulator rowsIn,
      LongAccumulator rowsOut) {
    this.catalog = catalog;
    this.maintenance = maintenance;
    this.flags = flags;
    this.outputStart = outputStart;
    this.outputEnd = outputEnd;
    this.runId = runId;
    this.rowsIn = rowsIn;
    this.rowsOut = rowsOut;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    Readings r = Readings.buffer(rows);
    rowsIn.add(r.n);
    if (r.n == 0) {
      return Collections.emptyIterator();
    }
    return new Emitter(r);
  }

  /** A partition's readings as columns; sensor nulls are NaN. */
  static final class Readings {
    int n;
    int[] compressor = new int[1024];
    long[] ts = new long[1024];
    final double[][] values = new double[GoldSchema.VALUE_COLUMNS][1024];
    UTF8String[] ids;

    static Readings buffer(Iterator<InternalRow> rows) {
      Readings r = new Readings();
      // keys are cloned on insert: the incoming rows (and their strings) are reused buffers
      Map<UTF8String, Integer> dictionary = new HashMap<>();
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        if (r.n == r.ts.length) {
          r.grow();
        }
        int i = r.n++;
        UTF8String id = row.getUTF8String(GoldSchema.IN_COMPRESSOR);
        Integer code = dictionary.get(id);
        if (code == null) {
          code = dictionary.size();
          dictionary.put(id.clone(), code);
        }
        r.compressor[i] = code;
        r.ts[i] = row.getLong(GoldSchema.IN_TIMESTAMP);
        for (int v = 0; v < GoldSchema.VALUE_COLUMNS; v++) {
          int col = GoldSchema.IN_FIRST_VALUE + v;
          r.values[v][i] = row.isNullAt(col) ? Double.NaN : row.getDouble(col);
        }
      }
      r.ids = new UTF8String[dictionary.size()];
      dictionary.forEach((id, code) -> r.ids[code] = id);
      return r;
    }

    private void grow() {
      int cap = ts.length * 2;
      compressor = Arrays.copyOf(compressor, cap);
      ts = Arrays.copyOf(ts, cap);
      for (int v = 0; v < values.length; v++) {
        values[v] = Arrays.copyOf(values[v], cap);
      }
    }
  }

  /** Walks compressors in id order, computing each one's features just before emitting it. */
  private final class Emitter implements Iterator<InternalRow> {
    private final Readings r;
    private final int[] order;
    private final int[] start;
    private final Integer[] compressorsById;
    private final RollingFeatures features = new RollingFeatures();
    private final SpecificInternalRow row = new SpecificInternalRow(GoldSchema.OUTPUT);
    private final UTF8String runIdUtf8 = UTF8String.fromString(runId);
    private int next = 0;
    private int from;
    private int size;
    private int k;
    private boolean ready;
    private long[] ts = new long[256];
    private double[] vib = new double[256];
    private double[] temp = new double[256];
    private double[] press = new double[256];
    private int[] sortTmp = new int[256];
    // per-compressor constants
    private UTF8String id;
    private UTF8String model;
    private UTF8String station;
    private double rated;
    private long[] events;

    Emitter(Readings r) {
      this.r = r;
      int c = r.ids.length;
      // counting sort of the rows by compressor code
      start = new int[c + 1];
      for (int i = 0; i < r.n; i++) {
        start[r.compressor[i] + 1]++;
      }
      for (int j = 0; j < c; j++) {
        start[j + 1] += start[j];
      }
      order = new int[r.n];
      int[] fill = Arrays.copyOf(start, c);
      for (int i = 0; i < r.n; i++) {
        order[fill[r.compressor[i]]++] = i;
      }
      compressorsById = new Integer[c];
      for (int j = 0; j < c; j++) {
        compressorsById[j] = j;
      }
      Arrays.sort(compressorsById, (a, b) -> r.ids[a].compareTo(r.ids[b]));
    }

    @Override
    public boolean hasNext() {
      if (ready) {
        return true;
      }
      while (true) {
        while (k < size) {
          long t = ts[k];
          if (t >= outputStart && t < outputEnd) {
            ready = true;
            return true;
          }
          k++;
        }
        if (next == compressorsById.length) {
          return false;
        }
        load(compressorsById[next++]);
      }
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ready = false;
      fill(k++);
      rowsOut.add(1);
      return row;
    }

    private void load(int code) {
      from = start[code];
      size = start[code + 1] - from;
      k = 0;
      if (ts.length < size) {
        int cap = Math.max(size, ts.length * 2);
        ts = new long[cap];
        vib = new double[cap];
        temp = new double[cap];
        press = new double[cap];
        sortTmp = new int[cap];
      }
      boolean sorted = true;
      for (int j = 0; j < size; j++) {
        ts[j] = r.ts[order[from + j]];
        sorted &= j == 0 || ts[j - 1] <= ts[j];
      }
      if (!sorted) {
        TimeOrder.sort(order, from, from + size, r.ts, sortTmp);
        for (int j = 0; j < size; j++) {
          ts[j] = r.ts[order[from + j]];
        }
      }
      for (int j = 0; j < size; j++) {
        int p = order[from + j];
        vib[j] = r.values[GoldSchema.V_VIBRATION][p];
        temp[j] = r.values[GoldSchema.V_TEMP][p];
        press[j] = r.values[GoldSchema.V_DISCHARGE][p];
      }
      features.compute(size, ts, vib, temp, press);

      id = r.ids[code];
      String idString = id.toString();
      CompressorCatalog.Entry e = catalog.value().lookup(idString);
      model = e == null || e.model() == null ? null : UTF8String.fromString(e.model());
      station = e == null || e.stationId() == null ? null : UTF8String.fromString(e.stationId());
      rated = e == null || e.ratedHorsepower() == null ? Double.NaN : e.ratedHorsepower();
      events = maintenance.value().events(idString);
    }

    /** Writes reading {@code j} of the current compressor into the reused output row. */
    private void fill(int j) {
      int p = order[from + j];
      long t = ts[j];
      int c = 0;
      row.update(c++, id);
      row.setLong(c++, t);
      for (int v = 0; v < GoldSchema.VALUE_COLUMNS; v++) {
        setDouble(c++, r.values[v][p]);
      }
      setString(c++, model);
      setString(c++, station);
      setDouble(c++, rated);
      for (Feature f : Feature.values()) {
        if (f != Feature.TEMP_1HR_DELTA) {
          setDouble(c++, features.value(f, j));
        }
      }
      row.setLong(c++, features.readings1h(j));
      row.setLong(c++, features.readings24h(j));
      setDouble(c++, features.value(Feature.TEMP_1HR_DELTA, j));
      double discharge = r.values[GoldSchema.V_DISCHARGE][p];
      double suction = r.values[GoldSchema.V_SUCTION][p];
      setDouble(c++, discharge - suction);
      double hp = r.values[GoldSchema.V_HORSEPOWER][p];
      setDouble(c++, rated > 0 ? hp / rated : Double.NaN);
      setDouble(c++, MaintenanceHistory.daysSince(events, t));
      Level vibration = flags.vibration(r.values[GoldSchema.V_VIBRATION][p]);
      Level temperature = flags.temperature(r.values[GoldSchema.V_TEMP][p]);
      Level pressure = flags.pressure(discharge, suction);
      setLevel(c++, vibration);
      setLevel(c++, temperature);
      setLevel(c++, pressure);
      setLevel(c++, StatusFlags.worst(vibration, temperature, pressure));
      long day = Math.floorDiv(t, MICROS_PER_DAY);
      int dayOfWeek = (int) Math.floorMod(day + 3, 7) + 1; // 1970-01-01 was a Thursday (ISO 4)
      row.setInt(c++, (int) (Math.floorMod(t, MICROS_PER_DAY) / RollingFeatures.MICROS_PER_HOUR));
      row.setInt(c++, dayOfWeek);
      row.setBoolean(c++, dayOfWeek >= 6);
      row.setInt(c++, (int) day);
      row.update(c, runIdUtf8);
    }

    private void setDouble(int c, double v) {
      if (Double.isNaN(v)) {
        row.setNullAt(c);
      } else {
        row.setDouble(c, v);
      }
    }

    private void setString(int c, UTF8String s) {
      if (s == null) {
        row.setNullAt(c);
      } else {
        row.update(c, s);
      }
    }

    private void setLevel(int c, Level level) {
      if (level == null) {
        row.setNullAt(c);
      } else {
        row.update(c, LABELS[level.ordinal()]);
      }
    }
  }
}
