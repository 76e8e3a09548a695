package com.altaviz.etl.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.altaviz.etl.common.config.ThresholdsConfig;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Boundary readings of hand-made series, without Spark. Vibration limits: warning 6.0, critical
 * 8.0; suction pressure (low side): warning 30.0, critical 20.0 (config defaults).
 */
class AlertBoundariesTest {
  private static final Instant T0 = Instant.parse("2024-02-01T00:00:00Z");
  private static final AlertBoundaries THREE = new AlertBoundaries(new ThresholdsConfig(), 3);

  private static Timestamp at(int step) {
    return Timestamp.from(T0.plus(Duration.ofMinutes(10L * step)));
  }

  private static Timestamp[] times(int n) {
    Timestamp[] t = new Timestamp[n];
    for (int i = 0; i < n; i++) {
      t[i] = at(i);
    }
    return t;
  }

  private static List<String> vibration(AlertBoundaries b, Double... values) {
    return render(b.series("C1", AlertSensor.VIBRATION, times(values.length), values));
  }

  /** "step:value:level:rn/n->nextStep" per kept reading. */
  private static List<String> render(List<AlertBoundaries.Boundary> rows) {
    return rows.stream()
        .map(
            r ->
                (r.timestamp().toInstant().getEpochSecond() - T0.getEpochSecond()) / 600
                    + ":"
                    + r.value()
                    + ":"
                    + r.level()
                    + ":"
                    + r.rn()
                    + "/"
                    + r.n()
                    + "->"
                    + (r.nextTs() == null
                        ? "-"
                        : (r.nextTs().toInstant().getEpochSecond() - T0.getEpochSecond()) / 600))
        .toList();
  }

  @Test
  void keepsNonNormalReadingsTheReadingAfterEachAndTheCloseAfterTh() {
    assertThat(vibration(THREE, 3.0, 6.5, 8.2, 3.0, 3.0, 3.0, 3.0, 6.1, 3.0))
        .containsExactly(
            "1:6.5:1:2/9->2",
            "2:8.2:2:3/9->3",
            "3:3.0:0:4/9->-",
            "7:6.1:1:8/9->8",
            "8:3.0:0:9/9->-");
  }

  @Test
  void theCloseAfterThReadingIsKeptEvenWhenNormalAndLinksToAKeptSuccessor() {
    // reading 3 (rn 3) is the closeAfter-th; reading 4 is a warning: 3 learns its timestamp
    assertThat(vibration(THREE, 3.0, 3.0, 3.0, 6.5, 3.0))
        .containsExactly("2:3.0:0:3/5->3", "3:6.5:1:4/5->4", "4:3.0:0:5/5->-");
  }

  @Test
  void allNormalSeriesKeepsOnlyTheCloseAfterThReading() {
    assertThat(vibration(THREE, 3.0, 3.0, 3.0, 3.0, 3.0)).containsExactly("2:3.0:0:3/5->-");
  }

  @Test
  void fewerReadingsThanCloseAfterKeepTheLastOne() {
    assertThat(vibration(THREE, 3.0, 3.0)).containsExactly("1:3.0:0:2/2->-");
    // the last one is already kept (a warning): nothing is added
    assertThat(vibration(THREE, 3.0, 6.5)).containsExactly("1:6.5:1:2/2->-");
    assertThat(vibration(THREE)).isEmpty();
  }

  @Test
  void nullAndNanReadingsAreSkippedAndNotNumbered() {
    // the gap (null, NaN) neither ends the warning nor counts as a reading
    assertThat(vibration(THREE, 6.5, null, Double.NaN, 3.0, 3.0, 3.0))
        .containsExactly("0:6.5:1:1/4->3", "3:3.0:0:2/4->4", "4:3.0:0:3/4->-");
    assertThat(vibration(THREE, null, Double.NaN)).isEmpty();
  }

  @Test
  void valuesEqualToALimitAreAtThatLevel() {
    assertThat(vibration(THREE, 6.0, 8.0, 5.999))
        .containsExactly("0:6.0:1:1/3->1", "1:8.0:2:2/3->2", "2:5.999:0:3/3->-");
  }

  @Test
  void lowSideSensorIsSignedAndAbnormalAtOrBelowItsLimits() {
    List<AlertBoundaries.Boundary> rows =
        THREE.series(
            "C2", AlertSensor.SUCTION_PRESSURE, times(4), new Double[] {50.0, 30.0, 20.0, 55.0});
    assertThat(rows)
        .containsExactly(
            new AlertBoundaries.Boundary(
                "C2", "suction_pressure_psi", at(1), 30.0, -30.0, 1, 2, 4, at(2)),
            new AlertBoundaries.Boundary(
                "C2", "suction_pressure_psi", at(2), 20.0, -20.0, 2, 3, 4, at(3)),
            new AlertBoundaries.Boundary(
                "C2", "suction_pressure_psi", at(3), 55.0, -55.0, 0, 4, 4, null));
  }

  @Test
  void closeAfterOneKeepsTheFirstReading() {
    AlertBoundaries one = new AlertBoundaries(new ThresholdsConfig(), 1);
    assertThat(vibration(one, 3.0, 3.0, 7.0, 3.0))
        .containsExactly("0:3.0:0:1/4->-", "2:7.0:1:3/4->3", "3:3.0:0:4/4->-");
  }

  @Test
  void rejectsMismatchedInputAndANonPositiveCloseAfter() {
    assertThatThrownBy(
            () -> THREE.series("C1", AlertSensor.VIBRATION, times(2), new Double[] {1.0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("2 times but 1 values");
    assertThatThrownBy(() -> new AlertBoundaries(new ThresholdsConfig(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("closeAfter must be at least 1, not 0");
  }
}
