package com.altaviz.etl.silver;

import static com.altaviz.etl.silver.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.RuleAction;
import com.altaviz.etl.common.config.SilverConfig;
import com.altaviz.etl.common.quality.CheckResult;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metrics and gates on a one-hour interval of two compressors (6 expected readings each). */
class QualityMetricsTest extends SparkTestBase {
  /** The five columns the gates had before the check suite: their results must not change. */
  record Metric(String metric, String column, Double value, Double limit, String status) {
    static Metric of(CheckResult r) {
      return new Metric(r.metric(), r.column(), r.value(), r.limit(), r.status());
    }
  }

  static final Interval HOUR =
      new Interval(Instant.parse("2024-02-01T10:00:00Z"), Instant.parse("2024-02-01T11:00:00Z"));

  static QualityMetrics.Measurements measure() {
    var silver =
        Fixtures.bronze(
            spark,
            reading("COMP-001", "2024-02-01T10:00:00Z"),
            reading("COMP-001", "2024-02-01T10:10:00Z").vibration(null),
            reading("COMP-001", "2024-02-01T10:20:00Z").suction(1200.0), // discharge < suction
            reading("COMP-001", "2024-02-01T10:30:00Z"),
            reading("COMP-002", "2024-02-01T10:00:00Z").discharge(null),
            reading("COMP-002", "2024-02-01T10:40:00Z"),
            reading("COMP-002", "2024-02-01T11:00:00Z"), // outside the interval
            reading("COMP-999", "2024-02-01T10:30:00Z")); // not in the fleet
    return QualityMetrics.measure(
        silver, HOUR, List.of("COMP-001", "COMP-002"), Duration.ofMinutes(10));
  }

  static RunCounts counts(long input, long duplicates, long rejected) {
    Map<String, Long> hits = new LinkedHashMap<>();
    for (String r : RuleNames.ROW_RULES) {
      hits.put(r, 0L);
    }
    hits.put(RuleNames.DUPLICATES, duplicates);
    Map<String, Map<String, Long>> values = new LinkedHashMap<>();
    for (String r : RuleNames.VALUE_RULES) {
      Map<String, Long> perSensor = new LinkedHashMap<>();
      com.altaviz.etl.common.Schemas.SENSOR_COLUMNS.forEach(s -> perSensor.put(s, 0L));
      values.put(r, perSensor);
      hits.put(r, 0L);
    }
    values.get(RuleNames.SPIKE).put("vibration_mms", 2L);
    hits.put(RuleNames.SPIKE, 2L);
    return new RunCounts(
        input,
        input - duplicates - rejected,
        rejected,
        duplicates,
        0,
        rejected,
        0,
        0,
        0,
        hits,
        values);
  }

  @Test
  void measuresTheSilverRowsOfTheIntervalForTheFleet() {
    var m = measure();
    assertThat(m.rows()).isEqualTo(7);
    assertThat(m.nulls().get("vibration_mms")).isEqualTo(1);
    assertThat(m.nulls().get("discharge_pressure_psi")).isEqualTo(1);
    assertThat(m.latest()).isEqualTo(Instant.parse("2024-02-01T10:40:00Z"));
    assertThat(m.pressurePairs()).isEqualTo(6);
    assertThat(m.dischargeAboveSuction()).isEqualTo(5);
    assertThat(m.perCompressor())
        .containsExactly(Map.entry("COMP-001", 4L), Map.entry("COMP-002", 2L));
    assertThat(m.expectedPerCompressor()).isEqualTo(6);
  }

  @Test
  void gatesPassWarnOrFailByTheirConfiguredAction() {
    var q = QualityMetrics.silverChecks(CheckConfig.defaults());
    RuleActions actions = RuleActions.of(new SilverConfig().rules);
    var metrics = QualityMetrics.metrics(measure(), counts(20, 2, 1), q, actions);
    Map<String, Metric> byKey = new LinkedHashMap<>();
    metrics.forEach(x -> byKey.put(x.metric() + "/" + x.column(), Metric.of(x)));

    assertThat(byKey.get("missing_rate/vibration_mms"))
        .isEqualTo(new Metric("missing_rate", "vibration_mms", 1 / 7.0, 0.05, "warn"));
    assertThat(byKey.get("missing_rate/gas_flow_mcf").status()).isEqualTo("pass");
    assertThat(byKey.get("freshness_minutes/*"))
        .isEqualTo(new Metric("freshness_minutes", "*", 20.0, 15.0, "warn"));
    assertThat(byKey.get("completeness/*"))
        .isEqualTo(new Metric("completeness", "*", 0.5, 0.95, "warn"));
    assertThat(byKey.get("completeness/COMP-001").value()).isEqualTo(4 / 6.0);
    // per compressor (per_compressor: true): at most warn
    assertThat(byKey.get("freshness_minutes/COMP-001"))
        .isEqualTo(new Metric("freshness_minutes", "COMP-001", 30.0, 15.0, "warn"));
    assertThat(byKey.get("freshness_minutes/COMP-002"))
        .isEqualTo(new Metric("freshness_minutes", "COMP-002", 20.0, 15.0, "warn"));
    assertThat(byKey.get("silver_unique_readings/compressor_id,timestamp"))
        .isEqualTo(
            new Metric("silver_unique_readings", "compressor_id,timestamp", 0.0, null, "pass"));
    assertThat(byKey.get("consistency/*"))
        .isEqualTo(new Metric("consistency", "*", 5 / 6.0, 0.99, "warn"));
    // 1 rejected of 18 distinct readings: under 10%
    assertThat(byKey.get("rejected_share/*"))
        .isEqualTo(new Metric("rejected_share", "*", 1 / 18.0, 0.10, "pass"));
    assertThat(byKey.get("rule_spike/vibration_mms"))
        .isEqualTo(new Metric("rule_spike", "vibration_mms", 2.0, null, "pass"));
    assertThat(byKey.get("unaccounted_rows/*").status()).isEqualTo("pass");
    assertThat(QualityMetrics.failures(metrics)).isEmpty();

    // 4 rejected of 18 breaches the fail gate; a spike rule set to fail fails too
    Map<String, RuleAction> failSpikes = new LinkedHashMap<>(new SilverConfig().rules);
    failSpikes.put("spike", RuleAction.FAIL);
    q.get("freshness_minutes").action = RuleAction.FAIL;
    var failed = QualityMetrics.metrics(measure(), counts(20, 2, 4), q, RuleActions.of(failSpikes));
    // the per-compressor freshness rows stay warnings: only the fleet row fails
    assertThat(QualityMetrics.failures(failed))
        .containsExactly(
            "freshness_minutes = 20.00 (limit 15.00)",
            "rejected_share = 0.2222 (limit 0.1000)",
            "rule_spike = 2.000");
  }

  @Test
  void withoutAnIntervalTheWholeDaysSpannedAreMeasured() {
    var silver =
        Fixtures.bronze(
            spark,
            reading("COMP-001", "2024-02-01T10:00:00Z"),
            reading("COMP-001", "2024-02-02T23:50:00Z"));
    var m =
        QualityMetrics.measure(silver, Interval.ALL, List.of("COMP-001"), Duration.ofMinutes(10));
    assertThat(m.start()).isEqualTo(Instant.parse("2024-02-01T00:00:00Z"));
    assertThat(m.end()).isEqualTo(Instant.parse("2024-02-03T00:00:00Z"));
    assertThat(m.expectedPerCompressor()).isEqualTo(288);
  }
}
