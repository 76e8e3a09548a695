package com.altaviz.etl.gold;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

/**
 * The per-partition work of gold. A partition holds every reading of its compressors sorted by
 * (compressor, time), in {@link GoldSchema#INPUT_COLUMNS} layout with the timestamp as epoch µs
 * ({@link GoldFeatures#features} arranges that). The pass streams it compressor by compressor: one
 * compressor's readings are buffered into the primitive arrays of a {@link FeatureBlock} (sensor
 * nulls as NaN), its window features computed in one {@link RollingFeatures} pass, and its rows in
 * the output range emitted before the next compressor is read. Memory is one compressor's history,
 * not the partition's.
 */
public final class FeaturePass implements MapPartitionsFunction<Row, Row> {
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

  /** The run the rows are for: their {@code _run_id}, added after the pass. */
  String runId() {
    return runId;
  }

  /** The partition's gold rows ({@link GoldSchema#PASS} layout), compressor by compressor. */
  @Override
  public Iterator<Row> call(Iterator<Row> readings) {
    return new Rows(readings);
  }

  /** Walks the sorted readings one compressor at a time, emitting its rows in the output range. */
  private final class Rows implements Iterator<Row> {
    private final Iterator<Row> readings;
    private final RollingFeatures features = new RollingFeatures();
    private final FeatureBlock block = new FeatureBlock();

    /** The first reading of the next compressor, read ahead while buffering the previous one. */
    private Row pending;

    private int j;
    private boolean loaded;
    private long in;
    private long out;

    Rows(Iterator<Row> readings) {
      this.readings = readings;
    }

    @Override
    public boolean hasNext() {
      while (!loaded || j == block.to) {
        if (!load()) {
          return false;
        }
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      out++;
      return block.row(j++);
    }

    /**
     * Buffers and computes the next compressor; false (after adding this partition's counts to the
     * accumulators) when the partition is done.
     */
    private boolean load() {
      Row first = pending != null ? pending : readings.hasNext() ? readings.next() : null;
      pending = null;
      if (first == null) {
        if (in > 0 || out > 0) {
          rowsIn.add(in);
          rowsOut.add(out);
          in = 0;
          out = 0;
        }
        loaded = false;
        return false;
      }
      String id = first.getString(GoldSchema.IN_COMPRESSOR);
      int size = 0;
      for (Row r = first; r != null; ) {
        block.ensure(size + 1);
        block.timestamps()[size] = r.getLong(GoldSchema.IN_TIMESTAMP);
        for (int v = 0; v < GoldSchema.VALUE_COLUMNS; v++) {
          int col = GoldSchema.IN_FIRST_VALUE + v;
          block.values(v)[size] = r.isNullAt(col) ? Double.NaN : r.getDouble(col);
        }
        size++;
        r = null;
        if (readings.hasNext()) {
          Row next = readings.next();
          if (id.equals(next.getString(GoldSchema.IN_COMPRESSOR))) {
            r = next;
          } else {
            pending = next;
          }
        }
      }
      in += size;
      compute(id, size);
      j = block.from;
      loaded = true;
      return true;
    }

    /** Fills the block's feature columns for the rows in the output range (maybe none). */
    private void compute(String id, int size) {
      block.size = size;
      long[] ts = block.timestamps();
      int first = 0;
      while (first < size && ts[first] < outputStart) {
        first++;
      }
      int end = first;
      while (end < size && ts[end] < outputEnd) {
        end++;
      }
      block.from = first;
      block.to = end;
      if (first == end) {
        return;
      }
      features.compute(
          size,
          ts,
          block.values(GoldSchema.V_VIBRATION),
          block.values(GoldSchema.V_TEMP),
          block.values(GoldSchema.V_DISCHARGE),
          first);
      CompressorCatalog.Entry e = catalog.value().lookup(id);
      double rated = e == null || e.ratedHorsepower() == null ? Double.NaN : e.ratedHorsepower();
      block.constants(id, e == null ? null : e.model(), e == null ? null : e.stationId(), rated);
      block.derive(features, flags, maintenance.value().events(id), rated);
    }
  }
}
