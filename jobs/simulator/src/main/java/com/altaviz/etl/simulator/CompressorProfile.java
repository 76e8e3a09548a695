package com.altaviz.etl.simulator;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.Locale;

/**
 * One compressor's fixed characteristics: sensor baselines (within {@link #BASELINE_RANGES}),
 * operating hours at the period start, model, install date, station and, for the failing units, its
 * {@link FailurePlan}. Drawn from its own seeded stream, so it is the same on every executor.
 */
public record CompressorProfile(
    int index,
    String id,
    double[] baseline,
    double initialOperatingHours,
    int modelIndex,
    LocalDate installDate,
    int stationIndex,
    FailurePlan failure)
    implements Serializable {

  /** Baseline ranges [min, max] per sensor, in Schemas.SENSOR_COLUMNS order. */
  static final double[][] BASELINE_RANGES = {
    {1.5, 4.5}, // vibration_mms
    {180, 220}, // discharge_temp_f
    {40, 80}, // suction_pressure_psi
    {900, 1200}, // discharge_pressure_psi
    {1200, 1600}, // horsepower_consumption
    {8000, 12000} // gas_flow_mcf (Mcf/d)
  };

  public static CompressorProfile of(SimulationSpec spec, int index) {
    Seeds.Rng r = Seeds.random(spec.seed(), Seeds.PROFILE, index);
    double[] base = new double[BASELINE_RANGES.length];
    for (int k = 0; k < base.length; k++) {
      double[] range = BASELINE_RANGES[k];
      base[k] = range[0] + (range[1] - range[0]) * r.nextDouble();
    }
    double hours = Math.round((2_000 + 58_000 * r.nextDouble()) * 10) / 10.0;
    int model = r.nextInt(FleetCatalog.MODELS.size());
    LocalDate installed = spec.startDate().minusDays(365 + r.nextInt(9 * 365));
    return new CompressorProfile(
        index,
        SimulationSpec.compressorId(index),
        base,
        hours,
        model,
        installed,
        index / FleetCatalog.COMPRESSORS_PER_STATION,
        FailurePlan.forCompressor(index, spec.days()));
  }

  public FleetCatalog.Model model() {
    return FleetCatalog.MODELS.get(modelIndex);
  }

  public String stationId() {
    return stationId(stationIndex);
  }

  static String stationId(int stationIndex) {
    return String.format(Locale.ROOT, "STN-%03d", stationIndex + 1);
  }
}
