package com.altaviz.etl.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The noise-free signal and the failure schedule, without Spark. */
class SensorModelTest {
  private static final SimulationSpec WEEK =
      new SimulationSpec(10, 7, LocalDate.parse("2024-02-01"), 42, DefectRates.NONE);

  @Test
  void failureScheduleOfTheGuideWeek() {
    assertThat(FailurePlan.forCompressor(2, 7)).isEqualTo(new FailurePlan(2880, 6600, 6960));
    assertThat(FailurePlan.forCompressor(6, 7)).isEqualTo(new FailurePlan(5760, 8520, 8880));
    assertThat(FailurePlan.forCompressor(0, 7)).isNull();
    assertThat(FailurePlan.forCompressor(7, 7)).isNull();
  }

  @Test
  void failureScheduleScalesToShorterRunsOnTheReadingGrid() {
    FailurePlan twoDays = FailurePlan.forCompressor(2, 2);
    // 48/168, 110/168, 116/168 of 2,880 minutes, floored to 10 minutes.
    assertThat(twoDays).isEqualTo(new FailurePlan(820, 1880, 1980));
    FailurePlan oneDay = FailurePlan.forCompressor(6, 1);
    assertThat(oneDay.onsetMinute()).isLessThan(oneDay.failureMinute());
    assertThat(oneDay.repairMinute()).isLessThan(1440);
  }

  @Test
  void healthyWorstCaseStaysBelowTheWarningLimits() {
    // Highest baseline, warmest hour, noise at its +2 sigma truncation limit.
    double worst = 1 + SensorModel.NOISE * SensorModel.NOISE_LIMIT_SIGMAS;
    assertThat(4.5 * worst).isLessThan(6.0);
    assertThat((220 + SensorModel.TEMPERATURE_CYCLE_F) * worst).isLessThan(240.0);
    assertThat(1200 * worst).isLessThan(1300.0);
    assertThat(40 / worst).isGreaterThan(30.0);
  }

  @Test
  void degradationRisesSmoothlyToBeyondCriticalThenTheUnitIdlesThenRecovers() {
    CompressorProfile p = CompressorProfile.of(WEEK, 2);
    double[] v = new double[SensorModel.SENSORS];
    double previous = 0;
    for (long m = 2880; m < 6600; m += 10) {
      SensorModel.expected(p, m, v);
      assertThat(v[SensorModel.VIBRATION]).isGreaterThanOrEqualTo(previous);
      previous = v[SensorModel.VIBRATION];
    }
    assertThat(previous).isGreaterThan(8.0 / (1 - 2 * SensorModel.NOISE));
    SensorModel.expected(p, 6590, v);
    assertThat(v[SensorModel.TEMPERATURE]).isGreaterThan(260.0 / (1 - 2 * SensorModel.NOISE));
    SensorModel.expected(p, 6700, v);
    assertThat(v[SensorModel.VIBRATION]).isCloseTo(0.1 * p.baseline()[0], within(1e-12));
    assertThat(v[SensorModel.DISCHARGE]).isGreaterThan(v[SensorModel.SUCTION]);
    SensorModel.expected(p, 6960, v);
    assertThat(v[SensorModel.VIBRATION]).isEqualTo(p.baseline()[0]);
  }

  @Test
  void operatingHoursStopWhileTheUnitIsDown() {
    CompressorProfile p = CompressorProfile.of(WEEK, 2);
    double atFailure = SensorModel.operatingHours(p, 6600);
    assertThat(SensorModel.operatingHours(p, 6960)).isEqualTo(atFailure);
    assertThat(SensorModel.operatingHours(p, 6970)).isCloseTo(atFailure + 1 / 6.0, within(0.006));
    CompressorProfile healthy = CompressorProfile.of(WEEK, 0);
    assertThat(SensorModel.operatingHours(healthy, 1440))
        .isCloseTo(healthy.initialOperatingHours() + 24, within(1e-9));
  }

  @Test
  void randomStreamsAreFixedByTheirSeedAlone() {
    Seeds.Rng a = Seeds.random(42, Seeds.VALUES, 3, 1);
    Seeds.Rng b = Seeds.random(42, Seeds.VALUES, 3, 1);
    Seeds.Rng c = Seeds.random(42, Seeds.VALUES, 3, 2);
    for (int i = 0; i < 1000; i++) {
      double x = a.nextGaussian();
      assertThat(b.nextGaussian()).isEqualTo(x);
    }
    assertThat(c.nextLong()).isNotEqualTo(Seeds.random(42, Seeds.VALUES, 3, 1).nextLong());
    // SplitMix64 reference value (seed 0, first output), so the generator cannot drift silently.
    assertThat(new Seeds.Rng(0).nextLong()).isEqualTo(0xE220A8397B1DCDAFL);
  }

  @Test
  void truncatedNoiseHasTheConfiguredSpread() {
    Seeds.Rng r = Seeds.random(1, Seeds.VALUES);
    int n = 200_000;
    double sum = 0;
    double sumSq = 0;
    double max = 0;
    for (int i = 0; i < n; i++) {
      double z = r.truncatedGaussian(2.0);
      sum += z;
      sumSq += z * z;
      max = Math.max(max, Math.abs(z));
    }
    assertThat(max).isLessThanOrEqualTo(2.0);
    assertThat(sum / n).isCloseTo(0.0, within(0.01));
    // Variance of a standard normal truncated at ±2: 1 - 2·2·φ(2)/(2Φ(2)-1) = 0.7737.
    assertThat(sumSq / n).isCloseTo(0.7737, within(0.01));
  }
}
