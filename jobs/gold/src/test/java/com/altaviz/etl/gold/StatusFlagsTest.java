package com.altaviz.etl.gold;

import static com.altaviz.etl.gold.StatusFlags.Level.CRITICAL;
import static com.altaviz.etl.gold.StatusFlags.Level.NORMAL;
import static com.altaviz.etl.gold.StatusFlags.Level.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.config.ThresholdsConfig;
import org.junit.jupiter.api.Test;

class StatusFlagsTest {
  private final StatusFlags flags = new StatusFlags(new ThresholdsConfig());
  private static final double NULL = Double.NaN;

  @Test
  void aVibrationEqualToALimitIsAtThatLevel() {
    assertThat(flags.vibration(5.999)).isEqualTo(NORMAL);
    assertThat(flags.vibration(6.0)).isEqualTo(WARNING);
    assertThat(flags.vibration(7.999)).isEqualTo(WARNING);
    assertThat(flags.vibration(8.0)).isEqualTo(CRITICAL);
    assertThat(flags.vibration(NULL)).isNull();
  }

  @Test
  void temperatureLimits() {
    assertThat(flags.temperature(239.99)).isEqualTo(NORMAL);
    assertThat(flags.temperature(240.0)).isEqualTo(WARNING);
    assertThat(flags.temperature(260.0)).isEqualTo(CRITICAL);
    assertThat(flags.temperature(NULL)).as("unknown, not normal").isNull();
  }

  @Test
  void pressureIsTheWorseOfDischargeHighAndSuctionLow() {
    assertThat(flags.pressure(1299.9, 30.01)).isEqualTo(NORMAL);
    assertThat(flags.pressure(1300.0, 50.0)).isEqualTo(WARNING);
    assertThat(flags.pressure(1400.0, 50.0)).isEqualTo(CRITICAL);
    assertThat(flags.pressure(1000.0, 30.0)).as("suction at the low limit").isEqualTo(WARNING);
    assertThat(flags.pressure(1000.0, 20.0)).isEqualTo(CRITICAL);
    assertThat(flags.pressure(1300.0, 20.0)).isEqualTo(CRITICAL);
    assertThat(flags.pressure(NULL, 25.0)).as("a null side is ignored").isEqualTo(WARNING);
    assertThat(flags.pressure(NULL, NULL)).isNull();
  }

  @Test
  void overallIsTheWorstKnownLevel() {
    assertThat(StatusFlags.worst(NORMAL, WARNING, NORMAL)).isEqualTo(WARNING);
    assertThat(StatusFlags.worst(CRITICAL, null, WARNING)).isEqualTo(CRITICAL);
    assertThat(StatusFlags.worst(null, NORMAL, null)).isEqualTo(NORMAL);
    assertThat(StatusFlags.worst(null, null, null)).isNull();
  }

  @Test
  void limitsComeFromConfig() {
    ThresholdsConfig t = new ThresholdsConfig();
    t.vibrationMms = new ThresholdsConfig.Level(2.0, 3.0);
    StatusFlags custom = new StatusFlags(t);
    assertThat(custom.vibration(2.0)).isEqualTo(WARNING);
    assertThat(custom.vibration(3.0)).isEqualTo(CRITICAL);
  }
}
