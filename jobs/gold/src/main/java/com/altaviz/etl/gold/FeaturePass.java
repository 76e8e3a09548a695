package com.altaviz.etl.gold;

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
 * The per-partition work of gold: one partition holds every reading of its compressors, buffered
 * into primitive arrays ({@link Readings}), ordered by (compressor, time) with a counting sort
 * plus a per-compressor time sort, and each compressor's features are computed in one {@link
 * RollingFeatures} pass into a {@link FeatureBlock}: the file writer takes the blocks ({@link
 * #blocks}), Delta's writer internal rows in {@link GoldSchema#OUTPUT} layout ({@link #call});
 * either way only rows in the output range.
 *
 * <p>Working on primitive arrays (not Row objects) avoids the object conversion that dominates a
 * Row-based mapPartitions. Memory is about 90 bytes per buffered reading.
 */
public final class FeaturePass
    implements FlatMapFunction<Iterator<FeaturePass.Readings>, InternalRow> {
  private static final long serialVersionUID = 1L;

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

  /** The partition's gold rows (one reused row object: consume each before the next). */
  @Override
  public Iterator<InternalRow> call(Iterator<Readings> partition) {
    return new Rows(blocks(partition));
  }

  /**
   * A partition's readings as columns (sensor nulls are NaN), buffered by {@link #buffer} or
   * {@link SilverScan}; one per partition of {@link GoldFeatures#byCompressor}.
   */
  static final class Readings {
    int n;
    int[] compressor = new int[1024];
    long[] ts = new long[1024];
    final double[][] values = new double[GoldSchema.VALUE_COLUMNS][1024];
    UTF8String[] ids;
    private final Map<UTF8String, Integer> dictionary = new HashMap<>();

    /** Rows in {@link GoldSchema#INPUT_COLUMNS} layout. */
    static Readings buffer(Iterator<InternalRow> rows) {
      Readings r = new Readings();
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        int i =
            r.add(row.getUTF8String(GoldSchema.IN_COMPRESSOR), row.getLong(GoldSchema.IN_TIMESTAMP));
        for (int v = 0; v < GoldSchema.VALUE_COLUMNS; v++) {
          int col = GoldSchema.IN_FIRST_VALUE + v;
          r.values[v][i] = row.isNullAt(col) ? Double.NaN : row.getDouble(col);
        }
      }
      return r.done();
    }

    /**
     * Appends a reading of compressor {@code id} (copied when first seen: callers reuse their
     * buffers) at {@code t}; the caller fills its {@link #values} at the index returned.
     */
    int add(UTF8String id, long t) {
      if (n == ts.length) {
        grow();
      }
      int i = n++;
      Integer code = dictionary.get(id);
      if (code == null) {
        code = dictionary.size();
        dictionary.put(id.clone(), code);
      }
      compressor[i] = code;
      ts[i] = t;
      return i;
    }

    /** Ends the buffering: the ids by code. */
    Readings done() {
      ids = new UTF8String[dictionary.size()];
      dictionary.forEach((id, code) -> ids[code] = id);
      dictionary.clear();
      return this;
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

  /**
   * Feature blocks of a partition's compressors in id order, one reused {@link FeatureBlock}
   * (consume each before the next); compressors with no reading in the output range are skipped.
   */
  Iterator<FeatureBlock> blocks(Iterator<Readings> partition) {
    if (!partition.hasNext()) {
      return Collections.emptyIterator();
    }
    Readings r = partition.next();
    rowsIn.add(r.n);
    return r.n == 0 ? Collections.emptyIterator() : new Blocks(r);
  }

  /** Walks compressors in id order, computing each one's features when it is reached. */
  private final class Blocks implements Iterator<FeatureBlock> {
    private final Readings r;
    private final int[] order;
    private final int[] start;
    private final Integer[] compressorsById;
    private final RollingFeatures features = new RollingFeatures();
    private final FeatureBlock block = new FeatureBlock();
    private final UTF8String runIdUtf8 = UTF8String.fromString(runId);
    private int next = 0;
    private boolean ready;
    private int[] sortTmp = new int[256];

    Blocks(Readings r) {
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
      while (!ready && next < compressorsById.length) {
        ready = load(compressorsById[next++]);
      }
      return ready;
    }

    @Override
    public FeatureBlock next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ready = false;
      rowsOut.add(block.to - block.from);
      return block;
    }

    /** Fills the block with one compressor's rows; false when none is in the output range. */
    private boolean load(int code) {
      int from = start[code];
      int size = start[code + 1] - from;
      block.ensure(size);
      block.size = size;
      long[] ts = block.timestamps();
      boolean sorted = true;
      for (int j = 0; j < size; j++) {
        ts[j] = r.ts[order[from + j]];
        sorted &= j == 0 || ts[j - 1] <= ts[j];
      }
      if (!sorted) {
        if (sortTmp.length < size) {
          sortTmp = new int[Math.max(size, 2 * sortTmp.length)];
        }
        TimeOrder.sort(order, from, from + size, r.ts, sortTmp);
        for (int j = 0; j < size; j++) {
          ts[j] = r.ts[order[from + j]];
        }
      }
      int first = 0;
      while (first < size && ts[first] < outputStart) {
        first++;
      }
      int end = first;
      while (end < size && ts[end] < outputEnd) {
        end++;
      }
      if (first == end) {
        return false;
      }
      block.from = first;
      block.to = end;
      for (int v = 0; v < GoldSchema.VALUE_COLUMNS; v++) {
        double[] in = r.values[v];
        double[] out = block.values(v);
        for (int j = 0; j < size; j++) {
          out[j] = in[order[from + j]];
        }
      }
      features.compute(
          size, ts, block.values(GoldSchema.V_VIBRATION), block.values(GoldSchema.V_TEMP),
          block.values(GoldSchema.V_DISCHARGE), first);

      UTF8String id = r.ids[code];
      String idString = id.toString();
      CompressorCatalog.Entry e = catalog.value().lookup(idString);
      double rated = e == null || e.ratedHorsepower() == null ? Double.NaN : e.ratedHorsepower();
      block.constants(
          id,
          e == null || e.model() == null ? null : UTF8String.fromString(e.model()),
          e == null || e.stationId() == null ? null : UTF8String.fromString(e.stationId()),
          runIdUtf8,
          rated);
      block.derive(features, flags, maintenance.value().events(idString), rated);
      return true;
    }
  }

  /** The blocks' emitted rows as internal rows (one reused row object). */
  private static final class Rows implements Iterator<InternalRow> {
    private final Iterator<FeatureBlock> blocks;
    private final SpecificInternalRow row = new SpecificInternalRow(GoldSchema.OUTPUT);
    private FeatureBlock block;
    private int j;

    Rows(Iterator<FeatureBlock> blocks) {
      this.blocks = blocks;
    }

    @Override
    public boolean hasNext() {
      while (block == null || j == block.to) {
        if (!blocks.hasNext()) {
          return false;
        }
        block = blocks.next();
        j = block.from;
      }
      return true;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      block.copyRow(j++, row);
      return row;
    }
  }
}
