package com.altaviz.etl.common.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Robust z-score and rate of change on a synthetic history of daily row counts. */
class MetricAnomalyTest {
  // 14 days of a 10-compressor fleet (1,440 readings a day) with small noise;
  // median 1440, MAD 1 (deviations 0,0,0,0,1,1,1,1,2,2,2,3,3,4)
  static final List<Double> HISTORY =
      List.of(
          1440.0, 1436.0, 1441.0, 1438.0, 1443.0, 1439.0, 1440.0, 1437.0, 1442.0, 1440.0, 1439.0,
          1441.0, 1438.0, 1440.0);

  @Test
  void anInjectedDropIsCaught() {
    var v = MetricAnomaly.judge(720.0, HISTORY, 14, 5, 0.2, 4.0);
    assertThat(v.anomalous()).isTrue();
    assertThat(v.z()).isCloseTo((720 - 1440) / 1.4826, within(1e-9));
    // band: the wider of median ± 4 σ and previous ± 20 %
    assertThat(v.lower()).isCloseTo(1440 * 0.8, within(1e-9));
    assertThat(v.upper()).isCloseTo(1440 * 1.2, within(1e-9));
    assertThat(v.message()).startsWith("anomaly: 720.0 vs 14 of 14 intervals: robust z -485.63");
  }

  @Test
  void normalNoiseIsNotCaught() {
    for (double today : List.of(1436.0, 1441.0, 1444.0)) {
      assertThat(MetricAnomaly.judge(today, HISTORY, 14, 5, 0.2, 4.0).anomalous())
          .as("%s", today)
          .isFalse();
    }
    // z alone flags 1447 (4.7 σ) while the change alone (0.5 %) does not: both must breach
    assertThat(MetricAnomaly.judge(1447.0, HISTORY, 14, 5, null, 4.0).anomalous()).isTrue();
    assertThat(MetricAnomaly.judge(1447.0, HISTORY, 14, 5, 0.2, 4.0).anomalous()).isFalse();
  }

  @Test
  void aHistoryWithoutSpreadIsJudgedByTheRateOfChange() {
    List<Double> flat = List.of(1.0, 1.0, 1.0, 1.0, 1.0);
    assertThat(MetricAnomaly.judge(0.99, flat, 14, 5, 0.1, 4.0).anomalous()).isFalse();
    assertThat(MetricAnomaly.judge(0.5, flat, 14, 5, 0.1, 4.0).anomalous()).isTrue();
  }

  @Test
  void tooLittleHistoryPasses() {
    var v = MetricAnomaly.judge(10.0, List.of(1440.0, 1441.0, 1439.0), 14, 5, 0.2, 4.0);
    assertThat(v.anomalous()).isFalse();
    assertThat(v.message()).isEqualTo("insufficient history (3 of 5)");
  }
}
