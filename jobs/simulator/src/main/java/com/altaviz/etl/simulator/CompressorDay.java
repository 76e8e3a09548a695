package com.altaviz.etl.simulator;

import com.altaviz.etl.common.Schemas;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Generates one compressor's readings of one day with their injected defects, as rows of {@link
 * FleetReadings#GENERATED}. Values and defects come from two separate seeded streams, so the clean
 * signal does not change when the defect rates do.
 */
final class CompressorDay {
  static final String PART = "part";
  static final String RETRANSMIT = "retransmit";

  static final String NO_DEFECT = "none";
  static final String NULLS = "nulls";
  static final String ALL_NULL = "all_null";

  /** Followed by the spiked column, e.g. "spike:vibration_mms". */
  static final String SPIKE = "spike:";

  static final String ON_TIME = "on_time";
  static final String LATE = "late";
  static final String RETRANSMITTED = "retransmit";
  static final String RETRANSMITTED_CHANGED = "retransmit_changed";
  static final String FUTURE = "future";

  /** Share of partial-null readings that lose two sensors instead of one. */
  static final double TWO_NULLS_SHARE = 0.3;

  /** Spikes multiply one sensor by 1.5–3: far outside 4 scaled MADs of 3% noise. */
  static final double SPIKE_MIN = 1.5;

  static final double SPIKE_MAX = 3.0;

  /** Half of the retransmissions are re-reads whose values differ by up to ±1%. */
  static final double CHANGED_SHARE = 0.5;

  static final double CHANGE_MAX = 0.01;

  private CompressorDay() {}

  /**
   * Appends the rows landing on {@code day} to {@code today} and the late ones (landing on the next
   * day) to {@code nextDay}; counts what it injected into {@code counts}.
   */
  static void generate(
      SimulationSpec spec,
      CompressorProfile p,
      int day,
      List<Row> today,
      List<Row> nextDay,
      long[] counts) {
    if (spec.silenced(p, day)) {
      return; // an offline station: nothing taken that day is sent (yesterday's late rows are)
    }
    DefectRates rates = spec.rates();
    Seeds.Rng values = Seeds.random(spec.seed(), Seeds.VALUES, p.index(), day);
    Seeds.Rng defects = Seeds.random(spec.seed(), Seeds.DEFECTS, p.index(), day);
    boolean hasNextDay = day + 1 < spec.days();
    Date landToday = Date.valueOf(spec.day(day));
    Date landNext = hasNextDay ? Date.valueOf(spec.day(day + 1)) : null;
    long startMillis = spec.periodStart().toEpochMilli();
    double[] v = new double[SensorModel.SENSORS];
    for (int i = 0; i < SimulationSpec.READINGS_PER_DAY; i++) {
      long minute =
          (long) day * SimulationSpec.MINUTES_PER_DAY + (long) i * SimulationSpec.CADENCE_MINUTES;
      SensorModel.expected(p, minute, v);
      SensorModel.addNoise(v, values);
      spec.shift(day, v);
      Double[] sensors = box(v);
      String valueDefect = NO_DEFECT;
      double u = defects.nextDouble();
      if (u < rates.nullRate()) {
        counts[SimulationCounts.NULLS]++;
        if (defects.nextDouble() < rates.allNullShare()) {
          java.util.Arrays.fill(sensors, null);
          counts[SimulationCounts.ALL_NULL]++;
          valueDefect = ALL_NULL;
        } else {
          int k = defects.nextInt(SensorModel.SENSORS);
          sensors[k] = null;
          if (defects.nextDouble() < TWO_NULLS_SHARE) {
            sensors[(k + 1 + defects.nextInt(SensorModel.SENSORS - 1)) % SensorModel.SENSORS] =
                null;
          }
          valueDefect = NULLS;
        }
      } else if (u < rates.nullRate() + rates.spikeRate()) {
        int k = defects.nextInt(SensorModel.SENSORS);
        double factor = SPIKE_MIN + (SPIKE_MAX - SPIKE_MIN) * defects.nextDouble();
        sensors[k] = SensorModel.round(k, v[k] * factor);
        counts[SimulationCounts.SPIKES]++;
        valueDefect = SPIKE + Schemas.SENSOR_COLUMNS.get(k);
      }
      boolean late = false;
      if (hasNextDay) {
        counts[SimulationCounts.LATE_ELIGIBLE]++;
        late = defects.nextDouble() < rates.lateRate();
      }
      boolean duplicate = defects.nextDouble() < rates.duplicateRate();
      Timestamp ts = new Timestamp(startMillis + minute * 60_000L);
      Double hours = SensorModel.operatingHours(p, minute);
      List<Row> landing = late ? nextDay : today;
      Date landed = late ? landNext : landToday;
      counts[SimulationCounts.READINGS]++;
      if (late) {
        counts[SimulationCounts.LATE]++;
      }
      landing.add(
          row(landed, PART, p.id(), ts, sensors, hours, valueDefect, late ? LATE : ON_TIME));
      if (duplicate) {
        // A retransmission is a separate delivery (its own file) on the same landing day.
        String kind = RETRANSMITTED;
        Double[] copy = sensors.clone();
        if (defects.nextDouble() < CHANGED_SHARE) {
          kind = RETRANSMITTED_CHANGED;
          for (int k = 0; k < copy.length; k++) {
            double delta = CHANGE_MAX * (2 * defects.nextDouble() - 1);
            if (copy[k] != null) {
              copy[k] = SensorModel.round(k, copy[k] * (1 + delta));
            }
          }
          counts[SimulationCounts.CHANGED_DUPLICATES]++;
        }
        counts[SimulationCounts.DUPLICATES]++;
        landing.add(row(landed, RETRANSMIT, p.id(), ts, copy, hours, valueDefect, kind));
      }
      counts[SimulationCounts.LANDED + (late ? day + 1 : day)] += duplicate ? 2 : 1;
    }
  }

  /** A future-dated reading (clock skew) landing on its planned day. */
  static Row future(SimulationSpec spec, CompressorProfile p, FutureReading f, long[] counts) {
    Seeds.Rng r = Seeds.random(spec.seed(), Seeds.FUTURE, p.index(), f.minute());
    double[] v = new double[SensorModel.SENSORS];
    SensorModel.expected(p, f.minute(), v);
    SensorModel.addNoise(v, r);
    counts[SimulationCounts.FUTURE]++;
    counts[SimulationCounts.LANDED + f.landingDay()]++;
    return row(
        Date.valueOf(spec.day(f.landingDay())),
        PART,
        p.id(),
        new Timestamp(spec.periodStart().toEpochMilli() + f.minute() * 60_000L),
        box(v),
        SensorModel.operatingHours(p, f.minute()),
        NO_DEFECT,
        FUTURE);
  }

  private static Row row(
      Date landed,
      String file,
      String id,
      Timestamp ts,
      Double[] s,
      Double hours,
      String valueDefect,
      String delivery) {
    return RowFactory.create(
        landed, file, id, ts, s[0], s[1], s[2], s[3], s[4], s[5], hours, valueDefect, delivery);
  }

  private static Double[] box(double[] v) {
    Double[] out = new Double[v.length];
    for (int k = 0; k < v.length; k++) {
      out[k] = v[k];
    }
    return out;
  }
}
