package com.altaviz.etl.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading config/etl_config.yaml: typed values, and one-line errors that name the problem. */
class ConfigLoaderTest {
  private static final Path PROJECT_CONFIG = Path.of("config/etl_config.yaml");

  @TempDir Path dir;

  @Test
  void projectConfigBindsToTypedValues() {
    EtlConfig c = ConfigLoader.load(PROJECT_CONFIG, Map.of());
    assertThat(c.spark.shufflePartitions).isEqualTo(8);
    assertThat(c.simulator.nullRate).isEqualTo(0.015);
    assertThat(c.simulator.futureReadings).isEqualTo(5);
    assertThat(c.silver.lookbackHours).isEqualTo(24);
    assertThat(c.silver.hampel.window).isEqualTo(7);
    assertThat(c.silver.hampel.thresholdMads).isEqualTo(4.0);
    assertThat(c.silver.action("spike")).isEqualTo(RuleAction.QUARANTINE);
    assertThat(c.silver.action("schema")).isEqualTo(RuleAction.FAIL);
    assertThat(c.silver.ranges.get("vibration_mms")).containsExactly(0.0, 50.0);
    assertThat(c.checks.get("rejected_share").action).isEqualTo(RuleAction.FAIL);
    assertThat(c.checks.get("rejected_share").max).isEqualTo(0.10);
    assertThat(c.thresholds.vibrationMms.warning).isEqualTo(6.0);
    assertThat(c.thresholds.dischargeTempF.critical).isEqualTo(260.0);
    assertThat(c.export.episodeCloseAfterNormal).isEqualTo(3);
  }

  @Test
  void missingFile() {
    Path missing = dir.resolve("nope.yaml");
    assertProblem(missing, Map.of(), "config file not found: " + missing);
  }

  @Test
  void badYamlNamesTheProblemAndWhereOnOneLine() throws Exception {
    assertProblem(
        write("spark:\n  shuffle_partitions: 4\n   bad: 1\n"),
        Map.of(),
        "config file %s is not valid YAML: mapping values are not allowed here (line 3, column 7)");
    assertProblem(
        write("spark: {shuffle_partitions: 4\n"),
        Map.of(),
        "config file %s is not valid YAML: expected ',' or '}', but got <stream end>"
            + " (line 2, column 1)");
  }

  @Test
  void notAMapping() throws Exception {
    assertProblem(write("- a\n- b\n"), Map.of(), "config file %s must be a YAML mapping");
  }

  @Test
  void unknownKeysAreErrorsWithTheirFullPath() throws Exception {
    assertProblem(
        write("sparks:\n  shuffle_partitions: 4\n"),
        Map.of(),
        "config file %s: unknown key 'sparks'");
    assertProblem(
        write("silver:\n  hampel:\n    windw: 7\n"),
        Map.of(),
        "config file %s: unknown key 'silver.hampel.windw'");
  }

  @Test
  void badValuesNameTheKey() throws Exception {
    assertProblem(
        write("silver:\n  rules:\n    spike: nuke\n"),
        Map.of(),
        "config file %s: bad value for 'silver.rules.spike': "
            + "'nuke' is not one of warn, drop, quarantine, fail");
    assertProblem(
        write("spark:\n  shuffle_partitions: many\n"),
        Map.of(),
        "config file %s: bad value for 'spark.shuffle_partitions': Cannot deserialize value of type"
            + " `int` from String \"many\": not a valid `int` value");
    assertProblem(
        write("spark:\n  shuffle_partitions: 0\n"),
        Map.of(),
        "config key 'spark.shuffle_partitions' must be > 0");
    assertProblem(
        write(
            "checks:\n  missing_rate: {kind: missing_rate, table: silver/sensor_readings,"
                + " columns: [vibration_mms], max: 0.05, action: drop}\n"),
        Map.of(),
        "config key 'checks.missing_rate.action' must be warn or fail");
    assertProblem(
        write("silver:\n  hampel: {window: 6}\n"),
        Map.of(),
        "config key 'silver.hampel.window' must be odd and >= 3");
  }

  @Test
  void environmentOverridesAKey() {
    EtlConfig c =
        ConfigLoader.load(
            PROJECT_CONFIG,
            Map.of(
                "ALTAVIZ_CONF__SILVER__LOOKBACK_HOURS", "12",
                "ALTAVIZ_CONF__SILVER__RULES__SPIKE", "warn",
                "ALTAVIZ_CONF__CHECKS__MISSING_RATE__MAX", "0.2",
                "UNRELATED", "x"));
    assertThat(c.silver.lookbackHours).isEqualTo(12);
    assertThat(c.silver.action("spike")).isEqualTo(RuleAction.WARN);
    assertThat(c.silver.action("duplicates")).isEqualTo(RuleAction.DROP);
    assertThat(c.checks.get("missing_rate").max).isEqualTo(0.2);
    assertThat(c.checks.get("missing_rate").action).isEqualTo(RuleAction.WARN);
  }

  @Test
  void badEnvironmentOverridesNameTheVariableNotTheFile() {
    assertProblem(
        PROJECT_CONFIG,
        Map.of("ALTAVIZ_CONF__SILVER__LOOKBAK_HOURS", "12"),
        "environment ALTAVIZ_CONF__SILVER__LOOKBAK_HOURS: unknown key 'silver.lookbak_hours'");
    assertProblem(
        PROJECT_CONFIG,
        Map.of("ALTAVIZ_CONF__SILVER__LOOKBACK_HOURS", "abc"),
        "environment ALTAVIZ_CONF__SILVER__LOOKBACK_HOURS: bad value for 'silver.lookback_hours':"
            + " Cannot deserialize value of type `int` from String \"abc\": not a valid `int`"
            + " value");
    assertProblem(
        PROJECT_CONFIG,
        Map.of("ALTAVIZ_CONF__SILVER__LOOKBACK_HOURS", ""),
        "environment ALTAVIZ_CONF__SILVER__LOOKBACK_HOURS is empty");
    assertProblem(
        PROJECT_CONFIG,
        Map.of("ALTAVIZ_CONF__SILVER__LOOKBACK_HOURS", "[1, 2"),
        "environment ALTAVIZ_CONF__SILVER__LOOKBACK_HOURS is not a YAML value");
  }

  @Test
  void theProjectFileDeclaresTheDefaultChecks() {
    EtlConfig file = ConfigLoader.load(PROJECT_CONFIG, Map.of());
    var defaults = CheckConfig.defaults();
    assertThat(file.checks.keySet()).containsExactlyElementsOf(defaults.keySet());
    for (var e : defaults.entrySet()) {
      assertThat(file.checks.get(e.getKey()).setParameters())
          .as(e.getKey())
          .isEqualTo(e.getValue().setParameters());
      assertThat(file.checks.get(e.getKey()).action).as(e.getKey()).isEqualTo(e.getValue().action);
      assertThat(file.checks.get(e.getKey()).table).as(e.getKey()).isEqualTo(e.getValue().table);
    }
  }

  @Test
  void checkErrorsNameTheKey() throws Exception {
    assertProblem(
        write("checks:\n  x: {kind: psi_drft, table: silver/sensor_readings}\n"),
        Map.of(),
        "config file %s: bad value for 'checks.x.kind': 'psi_drft' is not a check kind; kinds: "
            + CheckKind.keys());
    assertProblem(
        write(
            "checks:\n  x: {kind: range, table: gold/sensor_features, columns: [a], min: 0,"
                + " max: 1, bins: 4}\n"),
        Map.of(),
        "config key 'checks.x.bins' is not a parameter of kind range; it takes "
            + CheckKind.RANGE.parameters());
    assertProblem(
        write("checks:\n  x: {kind: range, table: gold/sensor_features, colums: [a]}\n"),
        Map.of(),
        "config file %s: unknown key 'checks.x.colums'");
    assertProblem(
        write("checks:\n  x: {kind: row_count, table: platinum/x}\n"),
        Map.of(),
        "config key 'checks.x.table' must start with one of [bronze, silver, gold, export]");
    assertProblem(
        write(
            "checks:\n  x: {kind: metric_anomaly, table: silver/sensor_readings,"
                + " metric: completeness}\n"),
        Map.of(),
        "config key 'checks.x' needs max_relative_change and/or max_z");
  }

  @Test
  void theQualitySectionSaysWhereItMoved() throws Exception {
    assertProblem(
        write("quality:\n  missing_rate: {limit: 0.05, action: warn}\n"),
        Map.of(),
        "config file %s: key 'quality' moved to 'checks': the silver gates are the checks"
            + " checks.missing_rate.max, checks.freshness_minutes.max, checks.completeness.min,"
            + " checks.consistency.min and checks.rejected_share.max"
            + " (docs/quality-and-features.md)");
    assertProblem(
        PROJECT_CONFIG,
        Map.of("ALTAVIZ_CONF__QUALITY__MISSING_RATE__LIMIT", "0.2"),
        "environment ALTAVIZ_CONF__QUALITY__MISSING_RATE__LIMIT: key 'quality' moved to 'checks':"
            + " the silver gates are the checks checks.missing_rate.max,"
            + " checks.freshness_minutes.max, checks.completeness.min, checks.consistency.min and"
            + " checks.rejected_share.max (docs/quality-and-features.md)");
  }

  private Path write(String yaml) throws Exception {
    Path f = Files.createTempFile(dir, "config", ".yaml");
    Files.writeString(f, yaml);
    return f;
  }

  /** The load fails with exit code 2 and exactly this one-line message (%s = the file). */
  private static void assertProblem(Path file, Map<String, String> env, String message) {
    assertThatThrownBy(() -> ConfigLoader.load(file, env))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message.replace("%s", file.toString()))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
        .satisfies(e -> assertThat(((EtlException) e).exitCode()).isEqualTo(ExitCode.USAGE));
  }
}
