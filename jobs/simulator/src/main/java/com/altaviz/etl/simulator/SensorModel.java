package com.altaviz.etl.simulator;

/**
 * The noise-free signal of a compressor at a given minute, and the sensor noise on top of it.
 * Healthy: per-compressor baseline, discharge temperature with a daily cycle. Failing: a smooth,
 * accelerating drift (progress²) from onset to failure that carries vibration past 6.0 and 8.0 mm/s
 * and discharge temperature past 240 and 260 °F; then an idle, cooling unit until the repair; then
 * the baseline again.
 */
final class SensorModel {
  static final int VIBRATION = 0;
  static final int TEMPERATURE = 1;
  static final int SUCTION = 2;
  static final int DISCHARGE = 3;
  static final int HORSEPOWER = 4;
  static final int FLOW = 5;
  static final int SENSORS = 6;

  /** Relative standard deviation of sensor noise (3%). */
  static final double NOISE = 0.03;

  /**
   * Noise is truncated at ±2σ so a healthy unit provably stays below the warning limits: (220 °F +
   * 5 °F cycle) × 1.06 = 238.5 °F < 240 °F and 4.5 mm/s × 1.06 = 4.77 mm/s < 6.0 mm/s.
   */
  static final double NOISE_LIMIT_SIGMAS = 2.0;

  static final double TEMPERATURE_CYCLE_F = 5.0;

  /** Warmest hour (UTC) of the daily temperature cycle, mid-afternoon in the US central zone. */
  static final double TEMPERATURE_PEAK_HOUR = 21.0;

  static final double VIBRATION_AT_FAILURE = 10.0;
  static final double TEMPERATURE_AT_FAILURE = 280.0;
  static final double AMBIENT_F = 95.0;
  static final double COOLING_MINUTES = 60.0;

  /** Decimal places each sensor reports with (vibration 0.001 mm/s, others 0.01). */
  private static final double[] SCALE = {1000, 100, 100, 100, 100, 100};

  private SensorModel() {}

  /** Writes the expected (noise-free) value of each sensor at {@code minute} into {@code out}. */
  static void expected(CompressorProfile p, long minute, double[] out) {
    double[] b = p.baseline();
    double hourOfDay = (minute % SimulationSpec.MINUTES_PER_DAY) / 60.0;
    double cycle =
        TEMPERATURE_CYCLE_F * Math.cos(2 * Math.PI * (hourOfDay - TEMPERATURE_PEAK_HOUR) / 24.0);
    FailurePlan f = p.failure();
    if (f != null && f.isDegrading(minute)) {
      double progress = (double) (minute - f.onsetMinute()) / (f.failureMinute() - f.onsetMinute());
      double wear = progress * progress;
      out[VIBRATION] = b[VIBRATION] + (VIBRATION_AT_FAILURE - b[VIBRATION]) * wear;
      out[TEMPERATURE] = b[TEMPERATURE] + cycle + (TEMPERATURE_AT_FAILURE - b[TEMPERATURE]) * wear;
      out[SUCTION] = b[SUCTION];
      out[DISCHARGE] = b[DISCHARGE] * (1 + 0.05 * wear);
      out[HORSEPOWER] = b[HORSEPOWER] * (1 + 0.10 * wear);
      out[FLOW] = b[FLOW] * (1 - 0.15 * wear);
    } else if (f != null && f.isShutDown(minute)) {
      double cooling = Math.exp(-(minute - f.failureMinute()) / COOLING_MINUTES);
      out[VIBRATION] = 0.1 * b[VIBRATION];
      out[TEMPERATURE] = AMBIENT_F + (TEMPERATURE_AT_FAILURE - AMBIENT_F) * cooling;
      out[SUCTION] = b[SUCTION];
      out[DISCHARGE] = 1.15 * b[SUCTION]; // pressures equalise while the unit is down
      out[HORSEPOWER] = 0.02 * b[HORSEPOWER]; // auxiliaries only
      out[FLOW] = 0.01 * b[FLOW];
    } else {
      System.arraycopy(b, 0, out, 0, SENSORS);
      out[TEMPERATURE] += cycle;
    }
  }

  /** Adds truncated 3% Gaussian noise to each value and rounds to the sensor's resolution. */
  static void addNoise(double[] values, Seeds.Rng r) {
    for (int k = 0; k < SENSORS; k++) {
      values[k] = round(k, values[k] * (1 + NOISE * r.truncatedGaussian(NOISE_LIMIT_SIGMAS)));
    }
  }

  static double round(int sensor, double value) {
    return Math.round(value * SCALE[sensor]) / SCALE[sensor];
  }

  /** Operating hours at {@code minute}; the counter stops while the unit is shut down. */
  static double operatingHours(CompressorProfile p, long minute) {
    long running = minute - (p.failure() == null ? 0 : p.failure().downMinutesBefore(minute));
    return Math.round((p.initialOperatingHours() + running / 60.0) * 100) / 100.0;
  }
}
