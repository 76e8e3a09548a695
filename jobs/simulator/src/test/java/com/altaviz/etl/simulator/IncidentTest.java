package com.altaviz.etl.simulator;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --incident switch: an offline station loses exactly its compressors' readings of the day, a
 * sensor shift moves exactly one sensor from its day on, everything else is byte for byte the run
 * without the incident; bad values exit 2 with one line.
 */
class IncidentTest extends SparkTestBase {
  static final LocalDate START = LocalDate.parse("2024-02-01");

  static DefectRates rates() {
    return DefectRates.from(ConfigLoader.load(Path.of("config/etl_config.yaml")).simulator);
  }

  static SimulationSpec spec(String... incidents) {
    return spec(rates(), incidents);
  }

  static SimulationSpec spec(DefectRates rates, String... incidents) {
    return new SimulationSpec(
        6,
        2,
        START,
        42,
        rates,
        java.util.Arrays.stream(incidents).map(t -> Incident.parse(t, 6, START, 2)).toList());
  }

  static Column takenOn2ndDay() {
    return col("timestamp")
        .geq(lit(Timestamp.from(Instant.parse("2024-02-02T00:00:00Z"))))
        .and(col("timestamp").lt(lit(Timestamp.from(Instant.parse("2024-02-03T00:00:00Z")))));
  }

  @Test
  void anOfflineStationSendsNothingTakenThatDayAndNothingElseChanges(
      @TempDir Path clean, @TempDir Path incident) throws Exception {
    SimulationReport c = FleetSimulation.run(spark, spec(), clean.toString());
    SimulationReport i =
        FleetSimulation.run(spark, spec("station-offline:STN-002@2024-02-02"), incident.toString());
    assertThat(c.readings()).isEqualTo(6 * 2 * 144);
    assertThat(i.readings()).isEqualTo(6 * 2 * 144 - 3 * 144);
    Dataset<Row> a = Landing.readings(spark, clean);
    Dataset<Row> b = Landing.readings(spark, incident);
    Column station2 = col("compressor_id").isin("COMP-004", "COMP-005", "COMP-006");
    assertThat(b.where(station2.and(takenOn2ndDay())).count()).isZero();
    // the clean run's rows of those compressors that day are what is missing, nothing else
    Dataset<Row> expected = a.where(station2.and(takenOn2ndDay()).unary_$bang());
    assertThat(expected.exceptAll(b).count()).isZero();
    assertThat(b.exceptAll(expected).count()).isZero();
    long removed = a.where(station2.and(takenOn2ndDay())).count();
    assertThat(a.count() - b.count()).isEqualTo(removed);
    assertThat(
            a.where(station2.and(takenOn2ndDay()))
                .select("compressor_id", "timestamp")
                .distinct()
                .count())
        .isEqualTo(3 * 144);
    // the first day of the station is untouched
    assertThat(b.where(col("compressor_id").equalTo("COMP-004")).count())
        .isEqualTo(
            a.where(col("compressor_id").equalTo("COMP-004").and(takenOn2ndDay().unary_$bang()))
                .count());
  }

  @Test
  void aSensorShiftMovesOneSensorFromItsDayOn(@TempDir Path clean, @TempDir Path incident)
      throws Exception {
    // without defects, so every value is a plain reading (a spike or re-read scales the shifted
    // value, not the clean one)
    FleetSimulation.run(spark, spec(DefectRates.NONE), clean.toString());
    FleetSimulation.run(
        spark,
        spec(DefectRates.NONE, "sensor-shift:discharge_temp_f+15@2024-02-02"),
        incident.toString());
    Dataset<Row> a = Landing.readings(spark, clean).as("a");
    Dataset<Row> b = Landing.readings(spark, incident).as("b");
    List<String> key = List.of("compressor_id", "timestamp", "folder", "kind");
    Dataset<Row> pairs =
        a.join(
            b,
            col("a.compressor_id")
                .equalTo(col("b.compressor_id"))
                .and(col("a.timestamp").equalTo(col("b.timestamp")))
                .and(col("a.folder").equalTo(col("b.folder")))
                .and(col("a.kind").equalTo(col("b.kind"))));
    assertThat(pairs.count()).isEqualTo(a.count()).isEqualTo(b.count()).isEqualTo(6 * 2 * 144);
    Column day2 =
        col("a.timestamp").geq(lit(Timestamp.from(Instant.parse("2024-02-02T00:00:00Z"))));
    Column shifted =
        col("b.discharge_temp_f").equalTo(functions_round(col("a.discharge_temp_f").plus(15)));
    long day2Values = pairs.where(day2.and(col("a.discharge_temp_f").isNotNull())).count();
    assertThat(day2Values).isEqualTo(6 * 144);
    assertThat(pairs.where(day2.and(shifted)).count()).isEqualTo(day2Values);
    assertThat(
            pairs
                .where(day2.unary_$bang())
                .where(col("a.discharge_temp_f").eqNullSafe(col("b.discharge_temp_f")))
                .count())
        .isEqualTo(pairs.where(day2.unary_$bang()).count());
    for (String other : List.of("vibration_mms", "suction_pressure_psi", "gas_flow_mcf")) {
      assertThat(pairs.where(col("a." + other).eqNullSafe(col("b." + other)).unary_$bang()).count())
          .as(other)
          .isZero();
    }
    for (String k : key) {
      assertThat(pairs.where(col("a." + k).isNull()).count()).as(k).isZero();
    }
  }

  private static Column functions_round(Column c) {
    return org.apache.spark.sql.functions.round(c, 2);
  }

  @Test
  void theSwitchReachesTheGeneratorFromTheCommandLine(@TempDir Path cli, @TempDir Path direct)
      throws Exception {
    SimulatorJobTest.Outcome o =
        SimulatorJobTest.run(
            "--raw",
            cli.toString(),
            "--compressors",
            "6",
            "--days",
            "2",
            "--incident",
            "station-offline:STN-002@2024-02-02");
    assertThat(o.exitCode()).as(o.err()).isZero();
    FleetSimulation.run(spark, spec("station-offline:STN-002@2024-02-02"), direct.toString());
    var x = Landing.files(cli);
    var y = Landing.files(direct);
    assertThat(x.keySet()).isEqualTo(y.keySet());
    for (var e : x.entrySet()) {
      assertThat(y.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void badIncidentsExit2WithOneLine(@TempDir Path raw) {
    String prefix = "altaviz-simulator: error: --incident ";
    assertThat(run(raw, "station-offline:STN-009@2024-02-02"))
        .isEqualTo(
            prefix
                + "'station-offline:STN-009@2024-02-02': station STN-009 is not in a fleet of 6"
                + " compressors (STN-001 to STN-002)\n");
    assertThat(run(raw, "station-offline:STN-001@2024-02-09"))
        .isEqualTo(
            prefix
                + "'station-offline:STN-001@2024-02-09': date 2024-02-09 is outside the simulated"
                + " days 2024-02-01 to 2024-02-02\n");
    assertThat(run(raw, "sensor-shift:oil_temp+5@2024-02-02"))
        .startsWith(prefix + "'sensor-shift:oil_temp+5@2024-02-02': unknown sensor oil_temp");
    assertThat(run(raw, "sensor-shift:vibration_mms+1@2024-02-31"))
        .isEqualTo(
            prefix
                + "'sensor-shift:vibration_mms+1@2024-02-31': '2024-02-31' is not a date"
                + " (YYYY-MM-DD)\n");
    assertThat(run(raw, "meteor:STN-001"))
        .isEqualTo(
            prefix
                + "'meteor:STN-001': expected station-offline:<STN-nnn>@<YYYY-MM-DD> or"
                + " sensor-shift:<sensor><+|-><amount>@<YYYY-MM-DD>\n");
    assertThat(raw).isEmptyDirectory();
  }

  /** stderr of a run that must exit 2 with nothing on stdout. */
  private static String run(Path raw, String incident) {
    SimulatorJobTest.Outcome o =
        SimulatorJobTest.run(
            "--raw", raw.toString(), "--compressors", "6", "--days", "2", "--incident", incident);
    assertThat(o.exitCode()).as(o.err()).isEqualTo(2);
    assertThat(o.out()).isEmpty();
    assertThat(o.err().lines().count()).isEqualTo(1);
    return o.err();
  }

  @Test
  void parsedIncidentsDescribeThemselves() {
    assertThat(Incident.parse("sensor-shift:discharge_temp_f-12.5@2024-02-02", 6, START, 2))
        .hasToString("discharge_temp_f shifted by -12.50 from 2024-02-02 on");
    assertThat(Incident.parse("station-offline:STN-001@2024-02-01", 6, START, 2))
        .hasToString("station STN-001 offline on 2024-02-01");
    assertThat(Files.exists(Path.of("config/etl_config.yaml"))).isTrue();
  }
}
