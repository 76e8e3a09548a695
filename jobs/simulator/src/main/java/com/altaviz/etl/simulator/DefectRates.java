package com.altaviz.etl.simulator;

import com.altaviz.etl.common.config.SimulatorConfig;
import java.io.Serializable;

/**
 * Defect-injection rates, from the {@code simulator:} section of the config. Rates are per reading;
 * {@code lateRate} applies to readings that have a next day inside the period.
 */
public record DefectRates(
    double nullRate,
    double allNullShare,
    double spikeRate,
    double duplicateRate,
    double lateRate,
    int futureReadings)
    implements Serializable {

  /** Clean data: no defect of any kind. */
  public static final DefectRates NONE = new DefectRates(0, 0, 0, 0, 0, 0);

  public static DefectRates from(SimulatorConfig c) {
    return new DefectRates(
        c.nullRate, c.allNullShare, c.spikeRate, c.duplicateRate, c.lateRate, c.futureReadings);
  }
}
