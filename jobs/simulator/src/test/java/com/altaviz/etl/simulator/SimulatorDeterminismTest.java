package com.altaviz.etl.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same inputs → the same bytes; another seed → other data; each run replaces the landing. */
class SimulatorDeterminismTest extends SparkTestBase {
  private static final DefectRates RATES = new DefectRates(0.015, 0.1, 0.001, 0.005, 0.01, 5);

  private static SimulationSpec spec(long seed) {
    return new SimulationSpec(3, 2, LocalDate.parse("2024-02-01"), seed, RATES);
  }

  @Test
  void sameSeedGivesByteIdenticalFiles(@TempDir Path a, @TempDir Path b) throws Exception {
    SimulationReport report = FleetSimulation.run(spark, spec(42), a.toString());
    FleetSimulation.run(spark, spec(42), b.toString());

    TreeMap<String, byte[]> fa = Landing.files(a);
    TreeMap<String, byte[]> fb = Landing.files(b);
    TreeSet<String> expected =
        new TreeSet<>(List.of("compressor_metadata.csv", "maintenance_logs.csv", "stations.csv"));
    report
        .readingFiles()
        .forEach(
            (day, names) -> names.forEach(n -> expected.add("sensor_readings/" + day + "/" + n)));
    assertThat(fa.keySet()).containsExactlyElementsOf(expected);
    assertThat(expected)
        .contains(
            "sensor_readings/date=2024-02-01/part-00000.parquet",
            "sensor_readings/date=2024-02-02/part-00000.parquet")
        .anyMatch(f -> f.endsWith("/retransmit-00000.parquet"));
    assertThat(fb.keySet()).isEqualTo(fa.keySet());
    for (Map.Entry<String, byte[]> e : fa.entrySet()) {
      assertThat(fb.get(e.getKey())).as("bytes of %s", e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void differentSeedGivesDifferentData(@TempDir Path a, @TempDir Path b) throws Exception {
    FleetSimulation.run(spark, spec(42), a.toString());
    FleetSimulation.run(spark, spec(43), b.toString());

    TreeMap<String, byte[]> fa = Landing.files(a);
    TreeMap<String, byte[]> fb = Landing.files(b);
    for (String f :
        new String[] {
          "sensor_readings/date=2024-02-01/part-00000.parquet",
          "sensor_readings/date=2024-02-02/part-00000.parquet",
          "compressor_metadata.csv",
          "maintenance_logs.csv",
          "stations.csv"
        }) {
      assertThat(Arrays.equals(fa.get(f), fb.get(f))).as("%s differs between seeds", f).isFalse();
    }
    // Not just the bytes: the readings themselves differ (no shared rows at all).
    long shared =
        Landing.readings(spark, a)
            .drop("folder", "kind")
            .intersect(Landing.readings(spark, b).drop("folder", "kind"))
            .count();
    assertThat(shared).isZero();
  }

  @Test
  void eachRunReplacesTheLandingZoneAndLeavesNoSideFiles(@TempDir Path raw) throws Exception {
    Path stale = raw.resolve("sensor_readings/date=2023-01-01/part-00000.parquet");
    Files.createDirectories(stale.getParent());
    Files.writeString(stale, "stale");
    Files.writeString(raw.resolve("stations.csv"), "old,content\n");

    FleetSimulation.run(spark, spec(42), raw.toString());
    FleetSimulation.run(spark, spec(42), raw.toString());

    assertThat(Files.exists(stale.getParent())).isFalse();
    assertThat(Landing.csvLines(raw, "stations.csv").get(0))
        .isEqualTo("station_id,station_name,latitude,longitude,region,state");
    // Only our named files: no _SUCCESS, no .crc, no staging or temporary leftovers.
    assertThat(Landing.files(raw).keySet())
        .allMatch(
            f ->
                f.matches(
                        "sensor_readings/date=\\d{4}-\\d{2}-\\d{2}/"
                            + "(part|retransmit)-\\d{5}\\.parquet")
                    || f.matches("(compressor_metadata|maintenance_logs|stations)\\.csv"),
            "only data files");
  }

  @Test
  void spikesAreTheOnlyThingThatChangesWithTheSpikeRate(@TempDir Path a, @TempDir Path b)
      throws Exception {
    // Values and defects come from separate streams: with defects off, the clean signal is
    // exactly what the defective run has in its untouched readings.
    SimulationSpec clean =
        new SimulationSpec(3, 2, LocalDate.parse("2024-02-01"), 42, DefectRates.NONE);
    FleetSimulation.run(spark, clean, a.toString());
    FleetSimulation.run(spark, spec(42), b.toString());
    var cleanRows = Landing.readings(spark, a).drop("folder", "kind");
    var defectiveFirstDeliveries =
        Landing.readings(spark, b).where("kind = 'part'").drop("folder", "kind");
    long untouched = defectiveFirstDeliveries.intersect(cleanRows).count();
    SimulationReport r = FleetSimulation.run(spark, spec(42), b.toString());
    long touched = r.count(SimulationCounts.NULLS) + r.count(SimulationCounts.SPIKES);
    assertThat(cleanRows.count()).isEqualTo(3 * 2 * 144);
    assertThat(untouched).isEqualTo(3 * 2 * 144 - touched);
  }
}
