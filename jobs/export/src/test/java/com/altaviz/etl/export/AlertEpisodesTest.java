package com.altaviz.etl.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.ThresholdsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Episodes from sensor levels: grouping, closing, severity, peak, message. */
class AlertEpisodesTest extends SparkTestBase {
  private static final Instant T0 = Instant.parse("2024-02-01T00:00:00Z");
  private static final ThresholdsConfig THRESHOLDS = new ThresholdsConfig();

  /** Vibration readings every 10 minutes from T0 (null = value rejected by silver). */
  private static List<GoldFixtures.Reading> vibration(String compressor, Double... values) {
    List<GoldFixtures.Reading> out = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      out.add(GoldFixtures.vib(compressor, T0.plus(Duration.ofMinutes(10L * i)), values[i]));
    }
    return out;
  }

  private static Map<String, Episode> episodes(List<GoldFixtures.Reading> readings) {
    List<GoldFixtures.Reading> shuffled = new ArrayList<>(readings);
    Collections.reverse(shuffled); // input order must not matter, only timestamps
    Dataset<Row> boundary =
        AlertEpisodes.boundaryReadings(GoldFixtures.gold(spark, shuffled), THRESHOLDS, 3);
    Map<String, Episode> out = new TreeMap<>();
    for (Row r : AlertEpisodes.episodes(boundary, 3).collectAsList()) {
      Episode e = Episode.fromRow(r);
      out.put(e.key(), e);
    }
    return out;
  }

  private static Instant at(int minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  @Test
  void warningCriticalWarningIsOneCriticalEpisodeClosedByThreeNormalReadings() {
    Map<String, Episode> e =
        episodes(vibration("COMP-A", 3.0, 6.5, 8.2, 9.1, 6.4, 3.0, 3.0, 3.0, 3.0));
    assertThat(e).hasSize(1);
    Episode ep = e.get("COMP-A/vibration_mms/" + at(10));
    assertThat(ep)
        .isEqualTo(
            new Episode(
                "COMP-A",
                AlertSensor.VIBRATION,
                at(10),
                at(50),
                at(40),
                SensorLevels.CRITICAL,
                9.1,
                at(30),
                4,
                at(10),
                at(20)));
    assertThat(ep.severity()).isEqualTo("critical");
    assertThat(ep.threshold(THRESHOLDS)).isEqualTo(8.0);
    assertThat(AlertMessages.describe(ep, THRESHOLDS))
        .isEqualTo(
            "COMP-A vibration critical: peak 9.10 mm/s ≥ 8.0 at 2024-02-01 00:30 UTC"
                + " (warning from 2024-02-01 00:10, critical from 2024-02-01 00:20 UTC;"
                + " cleared 2024-02-01 00:50 UTC)");
  }

  @Test
  void twoNormalReadingsDoNotCloseAnEpisode() {
    Map<String, Episode> e = episodes(vibration("COMP-B", 3.0, 6.5, 3.0, 3.0, 6.6, 3.0, 3.0, 3.0));
    assertThat(e.values())
        .containsExactly(
            new Episode(
                "COMP-B",
                AlertSensor.VIBRATION,
                at(10),
                at(50),
                at(40),
                SensorLevels.WARNING,
                6.6,
                at(40),
                2,
                at(10),
                null));
  }

  @Test
  void threeNormalReadingsCloseItAndTheNextNonNormalOneStartsANewEpisode() {
    Map<String, Episode> e = episodes(vibration("COMP-C", 6.5, 3.0, 3.0, 3.0, 7.0, 3.0));
    assertThat(e.values())
        .containsExactly(
            new Episode(
                "COMP-C",
                AlertSensor.VIBRATION,
                at(0),
                at(10),
                at(0),
                SensorLevels.WARNING,
                6.5,
                at(0),
                1,
                at(0),
                null),
            // one normal reading after it: still open
            new Episode(
                "COMP-C",
                AlertSensor.VIBRATION,
                at(40),
                null,
                at(40),
                SensorLevels.WARNING,
                7.0,
                at(40),
                1,
                at(40),
                null));
    assertThat(AlertMessages.describe(e.get("COMP-C/vibration_mms/" + at(40)), THRESHOLDS))
        .isEqualTo(
            "COMP-C vibration warning: peak 7.00 mm/s ≥ 6.0 at 2024-02-01 00:40 UTC"
                + " (warning from 2024-02-01 00:40 UTC; ongoing)");
  }

  @Test
  void rejectedValuesNeitherExtendNorCloseAnEpisode() {
    // normal, null, normal between the two warnings: two normal readings, so one episode
    Map<String, Episode> e =
        episodes(vibration("COMP-D", 6.5, 3.0, null, 3.0, 6.1, 3.0, 3.0, null, 3.0));
    assertThat(e.values())
        .containsExactly(
            new Episode(
                "COMP-D",
                AlertSensor.VIBRATION,
                at(0),
                at(50),
                at(40),
                SensorLevels.WARNING,
                6.5,
                at(0),
                2,
                at(0),
                null));
  }

  @Test
  void lowSideSensorPeaksAtItsLowestValue() {
    List<GoldFixtures.Reading> r = new ArrayList<>();
    double[] suction = {50, 28, 18, 25, 50, 50, 50};
    for (int i = 0; i < suction.length; i++) {
      r.add(
          new GoldFixtures.Reading(
              "COMP-E", at(10 * i), 3.0, 200.0, suction[i], 1000.0, 1400.0, 10000.0));
    }
    Episode ep = episodes(r).get("COMP-E/suction_pressure_psi/" + at(10));
    assertThat(ep)
        .isEqualTo(
            new Episode(
                "COMP-E",
                AlertSensor.SUCTION_PRESSURE,
                at(10),
                at(40),
                at(30),
                SensorLevels.CRITICAL,
                18.0,
                at(20),
                3,
                at(10),
                at(20)));
    assertThat(ep.threshold(THRESHOLDS)).isEqualTo(20.0);
    assertThat(AlertMessages.describe(ep, THRESHOLDS))
        .isEqualTo(
            "COMP-E suction pressure critical: low 18.00 psi ≤ 20.0 at 2024-02-01 00:20"
                + " UTC (warning from 2024-02-01 00:10, critical from 2024-02-01 00:20 UTC;"
                + " cleared 2024-02-01 00:40 UTC)");
  }

  @Test
  void aValueEqualToALimitIsAtThatLevel() {
    Map<String, Episode> e = episodes(vibration("COMP-F", 6.0, 8.0, 3.0, 3.0, 3.0));
    assertThat(e.values())
        .extracting(Episode::severityLevel, Episode::abnormalReadings)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(SensorLevels.CRITICAL, 2L));
  }

  @Test
  void keyStatesTellWhetherTheWindowStartsInAKnownClosedState() {
    List<GoldFixtures.Reading> r = new ArrayList<>();
    // three normal readings, then a warning that is still open at the end
    r.addAll(vibration("COMP-G", 3.0, 3.0, 3.0, 6.5, 3.0));
    // starts with a warning: an episode may have been open before the window
    r.addAll(vibration("COMP-H", 6.5, 3.0, 3.0, 3.0, 3.0));
    // only two readings: not enough to know
    r.addAll(vibration("COMP-I", 3.0, 3.0));
    Dataset<Row> boundary =
        AlertEpisodes.boundaryReadings(GoldFixtures.gold(spark, r), THRESHOLDS, 3);

    assertThat(states(boundary, at(30)))
        .containsExactly(
            "COMP-G|known_start=true|open_at_end=true",
            "COMP-H|known_start=false|open_at_end=false",
            "COMP-I|known_start=false|open_at_end=false");
    // the third normal reading of COMP-G (00:20) must lie before the range start
    assertThat(states(boundary, at(20)).get(0))
        .isEqualTo("COMP-G|known_start=false|open_at_end=true");
    // no range start: the caller read all of gold, every start is known
    assertThat(states(boundary, null)).allMatch(s -> s.contains("known_start=true"));
  }

  private static List<String> states(Dataset<Row> boundary, Instant rangeStart) {
    List<String> out = new ArrayList<>();
    for (Row s :
        AlertEpisodes.keyStates(boundary, 3, rangeStart)
            .where("sensor = 'vibration_mms'")
            .orderBy("compressor_id")
            .collectAsList()) {
      out.add(
          s.getString(0) + "|known_start=" + s.getBoolean(2) + "|open_at_end=" + s.getBoolean(3));
    }
    return out;
  }
}
