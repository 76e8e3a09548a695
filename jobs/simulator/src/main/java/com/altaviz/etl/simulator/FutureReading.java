package com.altaviz.etl.simulator;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A reading from a compressor whose clock runs ahead: it lands on {@code landingDay} but is stamped
 * hours or days after the END of the simulated period, so it is in the future for every interval of
 * the period (not a plausible reading of a later day).
 */
public record FutureReading(int compressor, int landingDay, long minute) implements Serializable {

  /** The spec's handful of future-dated readings; pairwise distinct (compressor, minute). */
  public static List<FutureReading> plan(SimulationSpec spec) {
    int n = spec.rates().futureReadings();
    long periodMinutes = (long) spec.days() * SimulationSpec.MINUTES_PER_DAY;
    List<FutureReading> out = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      Seeds.Rng r = Seeds.random(spec.seed(), Seeds.FUTURE, j);
      int compressor = r.nextInt(spec.compressors());
      int day = r.nextInt(spec.days());
      // 1 hour to ~3 days after the period end; "j + n * k" keeps the minutes distinct.
      long slot = j + (long) n * r.nextInt(72);
      long minute = periodMinutes + 60 + slot * SimulationSpec.CADENCE_MINUTES;
      out.add(new FutureReading(compressor, day, minute));
    }
    return out;
  }
}
