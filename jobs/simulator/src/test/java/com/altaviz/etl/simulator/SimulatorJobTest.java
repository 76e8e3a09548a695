package com.altaviz.etl.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: options reach the generator, bad options exit 2 with one line. */
class SimulatorJobTest extends SparkTestBase {
  record Outcome(int exitCode, String out, String err) {}

  static Outcome run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = JobLauncher.run(new SimulatorJob(), args);
      return new Outcome(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void optionsReachTheGenerator(@TempDir Path cli, @TempDir Path direct) throws Exception {
    Outcome o =
        run(
            "--raw",
            cli.toString(),
            "--compressors",
            "4",
            "--days",
            "2",
            "--start-date",
            "2024-03-10",
            "--seed",
            "7");
    assertThat(o.exitCode()).as(o.err()).isZero();
    SimulationSpec spec =
        new SimulationSpec(
            4,
            2,
            LocalDate.parse("2024-03-10"),
            7,
            DefectRates.from(ConfigLoader.load(Path.of("config/etl_config.yaml")).simulator));
    FleetSimulation.run(spark, spec, direct.toString());
    TreeMap<String, byte[]> a = Landing.files(cli);
    TreeMap<String, byte[]> b = Landing.files(direct);
    assertThat(a.keySet())
        .isEqualTo(b.keySet())
        .contains(
            "sensor_readings/date=2024-03-10/part-00000.parquet",
            "sensor_readings/date=2024-03-11/part-00000.parquet");
    for (Map.Entry<String, byte[]> e : a.entrySet()) {
      assertThat(b.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
    }
  }

  @Test
  void configRatesAreUsed(@TempDir Path raw, @TempDir Path conf) throws Exception {
    Path yaml = conf.resolve("clean.yaml");
    java.nio.file.Files.writeString(
        yaml,
        """
        simulator:
          null_rate: 0
          all_null_share: 0
          spike_rate: 0
          duplicate_rate: 0
          late_rate: 0
          future_readings: 0
        """);
    Outcome o =
        run(
            "--raw",
            raw.toString(),
            "--config",
            yaml.toString(),
            "--compressors",
            "2",
            "--days",
            "1");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(Landing.readings(spark, raw).count()).isEqualTo(2 * 144);
    assertThat(Landing.files(raw).keySet())
        .containsExactly(
            "compressor_metadata.csv",
            "maintenance_logs.csv",
            "sensor_readings/date=2024-02-01/part-00000.parquet",
            "stations.csv");
  }

  @Test
  void badValuesExit2WithOneLineNamingTheProblem(@TempDir Path raw) {
    assertThat(run("--raw", raw.toString(), "--days", "0"))
        .isEqualTo(
            new Outcome(2, "", "altaviz-simulator: error: --days must be at least 1 (got 0)\n"));
    assertThat(run("--raw", raw.toString(), "--compressors", "-5"))
        .isEqualTo(
            new Outcome(
                2, "", "altaviz-simulator: error: --compressors must be at least 1 (got -5)\n"));
    assertThat(run("--raw", raw.toString(), "--start-date", "2024-02-30"))
        .isEqualTo(
            new Outcome(
                2,
                "",
                "altaviz-simulator: error: --start-date '2024-02-30' is not a date"
                    + " (YYYY-MM-DD)\n"));
    assertThat(run("--raw", raw.toString(), "--config", "no/such.yaml"))
        .isEqualTo(
            new Outcome(2, "", "altaviz-simulator: error: config file not found: no/such.yaml\n"));
    Outcome notANumber = run("--raw", raw.toString(), "--days", "seven");
    assertThat(notANumber.exitCode()).isEqualTo(2);
    assertThat(notANumber.err())
        .startsWith(
            "altaviz-simulator: error: Invalid value for option '--days': 'seven' is not an int\n");
    assertThat(raw).isEmptyDirectory();
  }

  @Test
  void helpAndVersion() {
    Outcome help = run("--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out())
        .startsWith("Usage: altaviz-simulator")
        .contains(
            "--raw=<raw>",
            "--config=<config>",
            "--compressors=<compressors>",
            "--days=<days>",
            "--start-date=<startDate>",
            "--seed=<seed>",
            "(default: 2024-02-01)",
            "(default: 10)");
    Outcome version = run("--version");
    assertThat(version.exitCode()).isZero();
    assertThat(version.out())
        .isEqualTo("altaviz-simulator 0.1.0\nbuilt for Spark 3.5.9, Delta Lake 3.3.2\n");
  }
}
