package com.altaviz.etl.simulator;

import com.altaviz.etl.common.EtlException;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;

/**
 * What to simulate. The same spec always produces the same bytes: nothing here or downstream reads
 * the wall clock or draws unseeded random numbers.
 */
public record SimulationSpec(
    int compressors,
    int days,
    LocalDate startDate,
    long seed,
    DefectRates rates,
    List<Incident> incidents)
    implements Serializable {

  public static final int CADENCE_MINUTES = 10;
  public static final int MINUTES_PER_DAY = 1440;
  public static final int READINGS_PER_DAY = MINUTES_PER_DAY / CADENCE_MINUTES;

  /**
   * Compressors per Spark partition, hence per Parquet file of a day folder. Fixed (not derived
   * from the cluster's cores) so that the file layout depends only on the spec; 4,500 compressors
   * make 6 slices, three even waves on two cores.
   */
  public static final int COMPRESSORS_PER_SLICE = 750;

  public SimulationSpec {
    if (compressors < 1) {
      throw EtlException.usage("--compressors must be at least 1 (got " + compressors + ")");
    }
    if (days < 1) {
      throw EtlException.usage("--days must be at least 1 (got " + days + ")");
    }
    if (startDate == null) {
      throw EtlException.usage("--start-date is required");
    }
    incidents = List.copyOf(incidents);
  }

  /** A spec without incidents. */
  public SimulationSpec(int compressors, int days, LocalDate startDate, long seed, DefectRates r) {
    this(compressors, days, startDate, seed, r, List.of());
  }

  /** Whether an incident silences compressor {@code p} on day {@code day} (an index). */
  boolean silenced(CompressorProfile p, int day) {
    for (Incident i : incidents) {
      if (i.silences(p, day(day))) {
        return true;
      }
    }
    return false;
  }

  /** Adds the incidents' shifts of day {@code day} (an index) to the sensor values {@code v}. */
  void shift(int day, double[] v) {
    for (Incident i : incidents) {
      for (int k = 0; k < v.length; k++) {
        double d = i.shift(k, day(day));
        if (d != 0) {
          v[k] = SensorModel.round(k, v[k] + d);
        }
      }
    }
  }

  /** The readings the fleet takes in the period, each (compressor, timestamp) once. */
  public long totalReadings() {
    return (long) compressors * days * READINGS_PER_DAY;
  }

  public Instant periodStart() {
    return startDate.atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  public Instant periodEnd() {
    return startDate.plusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  public LocalDate day(int index) {
    return startDate.plusDays(index);
  }

  /** Instant of a minute offset from the period start. */
  public Instant at(long minute) {
    return periodStart().plusSeconds(minute * 60);
  }

  public int slices() {
    return (compressors + COMPRESSORS_PER_SLICE - 1) / COMPRESSORS_PER_SLICE;
  }

  /** COMP-001 … COMP-999, then COMP-1000 …: the contract's compressor_id, at least 3 digits. */
  public static String compressorId(int index) {
    return String.format(Locale.ROOT, "COMP-%03d", index + 1);
  }
}
