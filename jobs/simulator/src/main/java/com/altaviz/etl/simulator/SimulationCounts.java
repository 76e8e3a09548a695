package com.altaviz.etl.simulator;

import java.util.Arrays;
import org.apache.spark.util.AccumulatorV2;

/**
 * What the generator produced, summed over all Spark tasks: readings, each kind of injected defect,
 * and rows per landing day. Updated once per compressor-day batch; exact because the write is the
 * only action that runs the generator, and Spark merges the accumulator updates of a result stage's
 * tasks once per partition.
 */
public final class SimulationCounts extends AccumulatorV2<long[], long[]> {
  /** Distinct readings: one per compressor and 10-minute slot of the period. */
  public static final int READINGS = 0;

  /** Readings with at least one null sensor (includes {@link #ALL_NULL}). */
  public static final int NULLS = 1;

  public static final int ALL_NULL = 2;
  public static final int SPIKES = 3;

  /** Retransmitted copies (extra rows with an existing compressor_id + timestamp). */
  public static final int DUPLICATES = 4;

  /** Retransmissions whose sensor values differ slightly from the first delivery. */
  public static final int CHANGED_DUPLICATES = 5;

  public static final int LATE = 6;
  public static final int FUTURE = 7;

  /** Readings that were eligible to arrive late (their day has a next day in the period). */
  public static final int LATE_ELIGIBLE = 8;

  /** Rows landed on day d are at {@code LANDED + d}. */
  public static final int LANDED = 9;

  private long[] counts;

  public SimulationCounts(int days) {
    this.counts = new long[LANDED + days];
  }

  public long get(int counter) {
    return counts[counter];
  }

  public long landed(int day) {
    return counts[LANDED + day];
  }

  /** Every row written: the distinct readings, the retransmissions and the future-dated ones. */
  public long rows() {
    return counts[READINGS] + counts[DUPLICATES] + counts[FUTURE];
  }

  @Override
  public boolean isZero() {
    return Arrays.stream(counts).allMatch(c -> c == 0);
  }

  @Override
  public SimulationCounts copy() {
    SimulationCounts c = new SimulationCounts(counts.length - LANDED);
    c.counts = counts.clone();
    return c;
  }

  @Override
  public void reset() {
    Arrays.fill(counts, 0);
  }

  @Override
  public void add(long[] v) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] += v[i];
    }
  }

  @Override
  public void merge(AccumulatorV2<long[], long[]> other) {
    add(other.value());
  }

  @Override
  public long[] value() {
    return counts;
  }

  /** A fresh local buffer of the right length for one batch. */
  long[] newBatch() {
    return new long[counts.length];
  }
}
