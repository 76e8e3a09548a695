package com.altaviz.etl.silver;

import static com.altaviz.etl.silver.Fixtures.reading;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.RuleAction;
import com.altaviz.etl.common.config.SilverConfig;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * All rules together on one small bronze fixture of the run for 2024-02-02 (processed range [Feb 1,
 * Feb 3) with the 24 h lookback): every row ends up in exactly one place.
 */
class SilverRulesTest extends SparkTestBase {
  static final Instant END = Instant.parse("2024-02-03T00:00:00Z");
  static final Interval PROCESSED = new Interval(Instant.parse("2024-02-01T00:00:00Z"), END);

  static List<Fixtures.Reading> fixture() {
    List<Fixtures.Reading> r =
        new ArrayList<>(
            Fixtures.series(
                "COMP-001",
                "2024-02-02T00:00:00Z",
                3.00,
                3.03,
                2.97,
                3.01,
                2.99,
                9.00,
                3.02,
                2.98,
                3.00,
                3.01));
    r.get(2).temp(Double.NaN).landed("2024-02-02");
    // a re-delivery of the first reading with other values, ingested later: it wins
    r.add(
        reading("COMP-001", "2024-02-02T00:00:00Z")
            .vibration(3.05)
            .ingested("2024-02-03T01:00:00Z")
            .landed("2024-02-02"));
    r.add(reading("COMP-002", "2024-02-02T05:00:00Z").allSensorsNull().landed("2024-02-02"));
    r.add(reading("COMP-002", "2024-02-03T00:06:00Z").landed("2024-02-02")); // future
    r.add(reading("COMP-002", "2024-02-03T00:04:00Z").landed("2024-02-02")); // next run's
    r.add(reading("COMP-999", "2024-02-02T06:00:00Z").landed("2024-02-02"));
    r.add(reading(null, "2024-02-02T06:00:00Z").landed("2024-02-02"));
    r.add(reading("COMP-001", null).landed("2024-02-02"));
    r.add(reading("COMP-001", "2024-01-30T10:00:00Z").landed("2024-02-02")); // beyond lookback
    return r;
  }

  static Dataset<Row> classify(Map<String, RuleAction> overrides) {
    SilverConfig cfg = new SilverConfig();
    Map<String, RuleAction> actions = new LinkedHashMap<>(cfg.rules);
    actions.putAll(overrides);
    RuleActions ra = RuleActions.of(actions);
    var spec =
        new SilverScope.Spec(
            PROCESSED,
            Duration.ofHours(24),
            Duration.ofHours(2),
            Duration.ofMinutes(5),
            ra.removes(RuleNames.FUTURE_TIMESTAMP));
    var bronze = Fixtures.bronze(spark, fixture().toArray(Fixtures.Reading[]::new));
    return SilverRules.classify(
        SilverScope.select(bronze, spec).repartition(col("compressor_id")),
        Fixtures.fleet(spark, "COMP-001", "COMP-002"),
        new SilverRules.Settings(ra, cfg.ranges, 7, 4.0, END, Duration.ofMinutes(5)));
  }

  @Test
  void everyBronzeRowOfTheRangeIsInSilverQuarantinedOrDropped() {
    RuleActions actions = RuleActions.of(new SilverConfig().rules);
    Dataset<Row> c = classify(Map.of()).cache();
    RunCounts n = RunCounts.of(c, actions);

    assertThat(n.input()).isEqualTo(16);
    assertThat(n.silver()).isEqualTo(10);
    assertThat(n.quarantinedRows()).isEqualTo(5);
    assertThat(n.droppedDuplicates()).isEqualTo(1);
    assertThat(n.droppedOther()).isZero();
    assertThat(n.unaccounted()).isZero();
    assertThat(n.context()).isEqualTo(1);
    assertThat(n.tooLate()).isEqualTo(1);
    assertThat(n.rejectedReadings()).isEqualTo(7);
    assertThat(n.ruleHits())
        .containsExactly(
            Map.entry("null_keys", 2L),
            Map.entry("unknown_compressor", 1L),
            Map.entry("future_timestamp", 1L),
            Map.entry("duplicates", 1L),
            Map.entry("all_sensors_null", 1L),
            Map.entry("physical_range", 1L),
            Map.entry("spike", 1L));
    assertThat(n.valueHits().get("spike").get("vibration_mms")).isEqualTo(1);
    assertThat(n.valueHits().get("physical_range").get("discharge_temp_f")).isEqualTo(1);

    List<Row> silver =
        SilverOutputs.silverRows(c, "silver-run").orderBy("timestamp").collectAsList();
    assertThat(silver).extracting(r -> r.getString(0)).containsOnly("COMP-001");
    assertThat(silver.get(0).<Double>getAs("vibration_mms")).isEqualTo(3.05); // latest delivery
    assertThat(silver.get(2).<Double>getAs("discharge_temp_f")).isNull(); // NaN nulled
    assertThat(silver.get(5).<Double>getAs("vibration_mms")).isNull(); // spike nulled
    assertThat(silver.get(5).<Double>getAs("discharge_temp_f")).isEqualTo(200.0);

    List<Row> q =
        SilverOutputs.quarantineRows(
                c, actions, "silver-run", Timestamp.from(Instant.parse("2024-02-03T02:00:00Z")))
            .orderBy("rule", "compressor_id")
            .collectAsList();
    assertThat(q)
        .extracting(
            r ->
                r.getAs("rule")
                    + "|"
                    + r.getAs("compressor_id")
                    + "|"
                    + r.getAs("column_name")
                    + "|"
                    + r.getAs("original_value")
                    + "|"
                    + r.getAs("vibration_mms"))
        .containsExactly(
            "all_sensors_null|COMP-002|null|null|null",
            "future_timestamp|COMP-002|null|null|3.0",
            "null_keys|null|null|null|3.0",
            "null_keys|COMP-001|null|null|3.0",
            "physical_range|COMP-001|discharge_temp_f|NaN|2.97",
            "spike|COMP-001|vibration_mms|9.0|9.0",
            "unknown_compressor|COMP-999|null|null|3.0");
    // the spike's quarantine row keeps the delivered value although silver nulled it
    assertThat(q.get(2).<String>getAs("reason")).isEqualTo("compressor_id is null");
    assertThat(q.get(4).<Double>getAs("discharge_temp_f")).isNaN();
    c.unpersist();
  }

  @Test
  void warnKeepsTheRowOrValueAndDropRemovesWithoutQuarantine() {
    Map<String, RuleAction> overrides =
        Map.of(
            "unknown_compressor",
            RuleAction.WARN,
            "spike",
            RuleAction.WARN,
            "all_sensors_null",
            RuleAction.DROP,
            "physical_range",
            RuleAction.DROP);
    RuleActions actions =
        RuleActions.of(
            new LinkedHashMap<>(new SilverConfig().rules) {
              {
                putAll(overrides);
              }
            });
    Dataset<Row> c = classify(overrides).cache();
    RunCounts n = RunCounts.of(c, actions);

    assertThat(n.input()).isEqualTo(16);
    assertThat(n.silver()).isEqualTo(11); // COMP-999 stays
    assertThat(n.quarantinedRows()).isEqualTo(3); // 2 null keys, 1 future
    assertThat(n.droppedDuplicates()).isEqualTo(1);
    assertThat(n.droppedOther()).isEqualTo(1); // the all-null row
    assertThat(n.unaccounted()).isZero();
    assertThat(n.ruleHits().get("unknown_compressor")).isEqualTo(1);
    assertThat(n.ruleHits().get("spike")).isEqualTo(1);
    assertThat(n.rejectedReadings()).isEqualTo(5); // 3 quarantined + all-null + NaN value

    List<Row> silver =
        SilverOutputs.silverRows(c, "r")
            .where(col("compressor_id").equalTo("COMP-001"))
            .orderBy("timestamp")
            .collectAsList();
    assertThat(silver.get(5).<Double>getAs("vibration_mms")).isEqualTo(9.0);
    assertThat(silver.get(2).<Double>getAs("discharge_temp_f")).isNull();
    assertThat(
            SilverOutputs.quarantineRows(c, actions, "r", new Timestamp(0))
                .select("rule")
                .distinct()
                .orderBy("rule")
                .collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("future_timestamp", "null_keys");
    c.unpersist();
  }

  @Test
  void deduplicationAndTheSpikeFilterShareOneShuffleOfTheReadings() {
    SilverConfig cfg = new SilverConfig();
    RuleActions ra = RuleActions.of(cfg.rules);
    var settings = new SilverRules.Settings(ra, cfg.ranges, 7, 4.0, END, Duration.ofMinutes(5));
    var spec =
        new SilverScope.Spec(
            PROCESSED, Duration.ofHours(24), Duration.ofHours(2), Duration.ofMinutes(5), true);
    Dataset<Row> prepared =
        SilverRules.prepare(
            SilverScope.select(
                    Fixtures.bronze(spark, fixture().toArray(Fixtures.Reading[]::new)), spec)
                .repartition(col("compressor_id")),
            Fixtures.fleet(spark, "COMP-001", "COMP-002"),
            settings);
    String plan = SilverRules.spikes(prepared, settings).queryExecution().executedPlan().toString();
    assertThat(plan.split("Exchange hashpartitioning\\(compressor_id", -1).length - 1)
        .as(plan)
        .isEqualTo(1);
    assertThat(plan.split("Window \\[", -1).length - 1).as(plan).isEqualTo(1);
  }

  @Test
  void operatingHoursOutsideTheirPhysicalRangeAreNulledAndFlagged() {
    SilverConfig cfg = new SilverConfig();
    RuleActions ra = RuleActions.of(cfg.rules);
    var settings = new SilverRules.Settings(ra, cfg.ranges, 7, 4.0, END, Duration.ofMinutes(5));
    var spec =
        new SilverScope.Spec(
            PROCESSED, Duration.ofHours(24), Duration.ofHours(2), Duration.ofMinutes(5), true);
    var bronze =
        Fixtures.bronze(
            spark,
            Fixtures.reading("COMP-001", "2024-02-02T06:00:00Z").hours(1e308),
            Fixtures.reading("COMP-001", "2024-02-02T06:10:00Z").hours(-1e308),
            Fixtures.reading("COMP-001", "2024-02-02T06:20:00Z").hours(Double.NaN),
            Fixtures.reading("COMP-001", "2024-02-02T06:30:00Z").hours(12345.5));
    List<Row> rows =
        SilverRules.prepare(
                SilverScope.select(bronze, spec), Fixtures.fleet(spark, "COMP-001"), settings)
            .orderBy("timestamp")
            .select(
                col("operating_hours"),
                col(PhysicalRanges.FLAGS + ".column_name"),
                col(PhysicalRanges.FLAGS + ".original_value"))
            .collectAsList();
    assertThat(rows)
        .extracting(Object::toString)
        .containsExactly(
            "[null,WrappedArray(operating_hours),WrappedArray(1.0E308)]",
            "[null,WrappedArray(operating_hours),WrappedArray(-1.0E308)]",
            "[null,WrappedArray(operating_hours),WrappedArray(NaN)]",
            "[12345.5,WrappedArray(),WrappedArray()]");
  }
}
