package com.altaviz.etl.export;

import static com.altaviz.etl.export.LakeFixture.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.SparkTestBase;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export job end to end inside the test JVM: real Spark, real Delta fixtures, a real scratch
 * PostgreSQL database per test.
 */
class ExportJobTest extends SparkTestBase {
  private static final String ALERTS =
      "SELECT compressor_id, sensor, started_at, ended_at, last_abnormal_at, severity,"
          + " peak_value, peak_at, threshold_value, abnormal_readings, message, superseded"
          + " FROM alert_history ORDER BY compressor_id, sensor, started_at";
  private static final String AGGREGATES =
      "SELECT * FROM sensor_readings_agg ORDER BY compressor_id, window_type, agg_timestamp";

  @TempDir Path tmp;
  private LakeFixture lake;
  private PgTestDatabase db;
  private Path noLookback;

  @BeforeEach
  void setUp() throws IOException {
    lake = new LakeFixture(spark, tmp.resolve("lake"));
    lake.writeDimensions();
    db = PgTestDatabase.create();
    // daily runs that cover exactly their day: episodes then really cross run boundaries
    noLookback =
        Files.writeString(tmp.resolve("no-lookback.yaml"), "silver:\n  lookback_hours: 0\n");
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  private int export(PgTestDatabase target, Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>(target.env());
    env.putAll(extraEnv);
    List<String> a = new ArrayList<>(List.of("--lake", lake.root.toString()));
    a.addAll(List.of(args));
    return JobLauncher.run(new ExportJob(env), a.toArray(String[]::new));
  }

  private int export(String... args) {
    return export(db, Map.of(), args);
  }

  @Test
  void exportsAggregatesAlertsDimensionsAndOpsOfTheRangeIncludingTheLookbackDay() {
    lake.writeGold(0, 2);
    lake.writeOps();
    assertThat(export("--date", "2024-02-02", "--run-id", "daily__2024-02-02")).isZero();

    // [2024-02-01, 2024-02-03): COMP-001 47 hours (05:00 on the 2nd never arrived), COMP-002 48
    assertThat(
            db.rows(
                "SELECT compressor_id, window_type, count(*) FROM sensor_readings_agg"
                    + " GROUP BY 1, 2 ORDER BY 1, 2"))
        .containsExactly(
            "COMP-001|1hr|47",
            "COMP-001|24hr|2",
            "COMP-001|4hr|12",
            "COMP-002|1hr|48",
            "COMP-002|24hr|2",
            "COMP-002|4hr|12");
    assertThat(
            db.rows(
                "SELECT reading_count, missing_readings FROM sensor_readings_agg"
                    + " WHERE compressor_id = 'COMP-001' AND window_type = '4hr'"
                    + " AND agg_timestamp = '2024-02-02 04:00Z'"))
        .containsExactly("18|6");
    List<Double> day2 =
        LakeFixture.readings(1, 1).stream()
            .filter(r -> r.compressor().equals("COMP-001"))
            .map(GoldFixtures.Reading::vibration)
            .toList();
    double mean = day2.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    List<String> daily =
        db.rows(
            "SELECT reading_count, missing_readings, vibration_mms_mean, vibration_mms_min,"
                + " vibration_mms_max, discharge_temp_f_std, run_id FROM sensor_readings_agg WHERE"
                + " compressor_id = 'COMP-001' AND window_type = '24hr' AND agg_timestamp ="
                + " '2024-02-02 00:00Z'");
    String[] d = daily.get(0).split("\\|");
    assertThat(d[0] + "|" + d[1]).isEqualTo("138|6");
    assertThat(Double.parseDouble(d[2])).isCloseTo(mean, within(1e-12));
    assertThat(d[3] + "|" + d[4] + "|" + d[5] + "|" + d[6]).isEqualTo("3|3.4|0|daily__2024-02-02");

    // one critical episode across midnight; the 2024-02-03 episode is outside the range
    assertThat(db.rows(ALERTS))
        .containsExactly(
            "COMP-002|vibration_mms|2024-02-01 22:00:00+00|2024-02-02 02:00:00+00"
                + "|2024-02-02 01:50:00+00|critical|9|2024-02-02 00:40:00+00|8|24"
                + "|COMP-002 vibration critical: peak 9.00 mm/s ≥ 8.0 at 2024-02-02 00:40 UTC"
                + " (warning from 2024-02-01 22:00, critical from 2024-02-01 23:30 UTC;"
                + " cleared 2024-02-02 02:00 UTC)|f");

    assertThat(db.rows("SELECT * FROM stations ORDER BY station_id"))
        .containsExactly(
            "STN-01|Permian North|31.9|-102.1|Permian|TX|daily__2024-02-02",
            "STN-02|Eagle Ford \"South\"|28.7|-98.5|Eagle Ford|TX|daily__2024-02-02");
    assertThat(db.rows("SELECT * FROM compressor_metadata ORDER BY compressor_id"))
        .containsExactly(
            "COMP-001|Ajax DPC-360|1500|2020-05-01|STN-01|daily__2024-02-02",
            "COMP-002|Ajax DPC-360|1500|2020-05-01|STN-01|daily__2024-02-02");
    assertThat(db.rows("SELECT * FROM maintenance_events"))
        .containsExactly(
            "MX-1|COMP-002|failure|bearing replaced|2024-02-02 06:00:00+00|12500|crew A|∅"
                + "|daily__2024-02-02");

    // ops rows of this run and of intervals overlapping the range; not the January run's
    assertThat(
            db.rows(
                "SELECT run_id, stage, metric, column_name, interval_start, value,"
                    + " limit_value, status, scope, check_name FROM data_quality_metrics"
                    + " WHERE stage <> 'export' ORDER BY 1, 2, 3, 4"))
        .containsExactly(
            "daily__2024-02-02|silver|completeness|*|2024-02-02 00:00:00+00|0.97|0.95|pass|*|∅",
            "daily__2024-02-02|silver|completeness|COMP-001|2024-02-02 00:00:00+00|0.9|0.95|warn"
                + "|*|∅",
            "daily__2024-02-02|silver|missing_rate|vibration_mms|2024-02-02 00:00:00+00|0.01"
                + "|0.05|pass|*|∅");
    // the export's own check: PostgreSQL's buckets of the range = the lake's, in the transaction
    assertThat(
            db.rows(
                "SELECT run_id, metric, column_name, scope, value = lower_bound, value > 0,"
                    + " status, kind, table_name, action FROM data_quality_metrics"
                    + " WHERE stage = 'export'"))
        .containsExactly(
            "daily__2024-02-02|export_reconciliation|sensor_readings_agg|*|t|t|pass"
                + "|reconciliation|export/sensor_readings_agg|fail");
    assertThat(
            spark
                .read()
                .format("delta")
                .load(lake.root.resolve("ops/quality_metrics").toString())
                .where("stage = 'export'")
                .select("metric", "status", "check_name")
                .collectAsList())
        .extracting(Row::toString)
        .containsExactly("[export_reconciliation,pass,export_reconciliation]");
    assertThat(
            db.rows(
                "SELECT run_id, stage, interval_start, input_version, output_version,"
                    + " rows_in, status, duration_ms FROM pipeline_runs WHERE stage <> 'export'"))
        .containsExactly("daily__2024-02-02|gold|2024-02-02 00:00:00+00|3|0|570|success|15000");

    assertThat(
            db.rows(
                "SELECT compressor_id, health_status, active_alerts, open_alerts,"
                    + " data_until FROM v_fleet_health_summary"))
        .containsExactly(
            "COMP-002|critical|1|0|2024-02-03 00:00:00+00",
            "COMP-001|healthy|0|0|2024-02-03 00:00:00+00");
    assertThat(
            db.rows(
                "SELECT compressor_id, hour_start, reading_count FROM v_latest_readings"
                    + " ORDER BY 1"))
        .containsExactly("COMP-001|2024-02-02 23:00:00+00|6", "COMP-002|2024-02-02 23:00:00+00|6");
  }

  @Test
  void afterAnExportPipelineRunsHoldsItsOwnRowAsTheLedgerRecordsIt() {
    lake.writeGold(0, 2);
    lake.writeOps();
    assertThat(export("--date", "2024-02-02", "--run-id", "daily__2024-02-02")).isZero();

    assertThat(
            db.rows(
                "SELECT run_id, stage, interval_start, interval_end, input_version,"
                    + " output_version, rows_in, rows_out, rows_quarantined, status, message"
                    + " FROM pipeline_runs WHERE stage = 'export'"))
        .containsExactly(
            "daily__2024-02-02|export|2024-02-02 00:00:00+00|2024-02-03 00:00:00+00|0|∅|570|135"
                + "|0|success|∅");
    // rows_in: the gold readings behind the daily buckets; rows_out: every row this first export
    // wrote, its own row and its reconciliation check's row included
    assertThat(
            db.rows(
                "SELECT sum(reading_count) FROM sensor_readings_agg WHERE window_type = '24hr'"))
        .containsExactly("570");
    // 123 buckets, 1 episode, 2 + 2 + 1 dimension rows, 3 metrics + the export's check, the gold
    // and export runs
    assertThat(ExportTables.ALL.stream().mapToLong(t -> db.count(t.name())).sum()).isEqualTo(135L);
    assertThat(db.rows(OWN_ROWS)).isEqualTo(ledgerExportRows()).hasSize(1);
  }

  @Test
  void theRetryOfAnExportThatCommittedButLeftNoLedgerRowReplacesItsRow() {
    lake.writeGold(0, 2);
    lake.writeOps();
    assertThat(export("--date", "2024-02-02", "--run-id", "daily__2024-02-02")).isZero();
    // as if the ledger write had failed after PostgreSQL committed
    DeltaTable.forPath(spark, lake.lake.pipelineRuns()).delete("stage = 'export'");
    List<String> orphan = db.rows(OWN_ROWS);

    assertThat(export("--date", "2024-02-02", "--run-id", "daily__2024-02-02")).isZero();
    List<String> retried = db.rows(OWN_ROWS);
    assertThat(retried).isEqualTo(ledgerExportRows()).hasSize(1);
    assertThat(retried).doesNotContainAnyElementsOf(orphan);
    assertThat(db.rows("SELECT run_id, stage, status FROM pipeline_runs ORDER BY started_at"))
        .containsExactly("daily__2024-02-02|gold|success", "daily__2024-02-02|export|success");
  }

  @Test
  void anEpisodeSpanningTwoDailyRunsIsOneRowAndRunsInAnyOrderConverge() {
    // day by day, gold arriving day by day (the Airflow schedule)
    lake.writeGold(0, 0);
    assertThat(export("--config", noLookback.toString(), "--date", "2024-02-01")).isZero();
    // at the end of the first day the episode is open and its peak so far is 8.5
    assertThat(
            db.rows(
                "SELECT alert_id, started_at, ended_at, severity, peak_value"
                    + " FROM alert_history"))
        .containsExactly("1|2024-02-01 22:00:00+00|∅|critical|8.5");
    lake.writeGold(1, 1);
    assertThat(export("--config", noLookback.toString(), "--date", "2024-02-02")).isZero();
    assertThat(
            db.rows(
                "SELECT alert_id, started_at, ended_at, severity, peak_value"
                    + " FROM alert_history"))
        .containsExactly("1|2024-02-01 22:00:00+00|2024-02-02 02:00:00+00|critical|9");
    lake.writeGold(2, 2);
    assertThat(export("--config", noLookback.toString(), "--date", "2024-02-03")).isZero();
    List<String> inOrder = db.rows(ALERTS);
    assertThat(inOrder).hasSize(2);
    assertThat(inOrder.get(1))
        .startsWith(
            "COMP-002|vibration_mms|2024-02-03 10:00:00+00|2024-02-03 10:40:00+00"
                + "|2024-02-03 10:30:00+00|warning|6.2|2024-02-03 10:30:00+00|6|2|");
    List<String> aggregatesInOrder = withoutRunId(db.rows(AGGREGATES));

    // a backfill in reverse order over the complete gold, and the single-batch mode
    try (PgTestDatabase reverse = PgTestDatabase.create();
        PgTestDatabase batch = PgTestDatabase.create()) {
      for (String day : List.of("2024-02-03", "2024-02-02", "2024-02-01")) {
        assertThat(export(reverse, Map.of(), "--config", noLookback.toString(), "--date", day))
            .isZero();
      }
      assertThat(export(batch, Map.of())).isZero();
      assertThat(reverse.rows(ALERTS)).isEqualTo(inOrder);
      assertThat(batch.rows(ALERTS)).isEqualTo(inOrder);
      assertThat(withoutRunId(reverse.rows(AGGREGATES))).isEqualTo(aggregatesInOrder);
      assertThat(withoutRunId(batch.rows(AGGREGATES))).isEqualTo(aggregatesInOrder);
    }
  }

  @Test
  void reExportingLeavesIdenticalContentsAndKeepsOperatorColumns() {
    lake.writeGold(0, 2);
    lake.writeOps();
    assertThat(export("--date", "2024-02-02", "--run-id", "daily__2024-02-02")).isZero();
    db.execute(
        "UPDATE alert_history SET acknowledged = true, acknowledged_by = 'j.doe',"
            + " acknowledged_at = '2024-02-02 07:15Z', resolved = true,"
            + " resolved_at = '2024-02-02 09:00Z', notes = 'bearing replaced, see MX-1'");
    Map<String, List<String>> before = db.dump();

    // an Airflow retry (same run id), then a manual re-run (new run id)
    assertThat(export("--date", "2024-02-02", "--run-id", "daily__2024-02-02")).isZero();
    Map<String, List<String>> retry = db.dump();
    assertThat(export("--date", "2024-02-02", "--run-id", "manual__rerun")).isZero();
    Map<String, List<String>> rerun = db.dump();

    for (String table : before.keySet()) {
      if (!table.equals("pipeline_runs")) {
        assertThat(retry.get(table)).as(table).isEqualTo(before.get(table));
      }
      if (!table.equals("pipeline_runs") && !table.equals("data_quality_metrics")) {
        assertThat(rerun.get(table)).as(table).isEqualTo(before.get(table));
      }
    }
    // the re-run (a new run id) added its own reconciliation result, and changed nothing else
    assertThat(rerun.get("data_quality_metrics"))
        .hasSize(before.get("data_quality_metrics").size() + 1)
        .containsAll(before.get("data_quality_metrics"))
        .anyMatch(r -> r.startsWith("manual__rerun|export|export_reconciliation|"));
    assertThat(rerun.get("alert_history").get(0))
        .contains(
            "|t|j.doe|2024-02-02 07:15:00+00|t|2024-02-02 09:00:00+00"
                + "|bearing replaced, see MX-1");
    // each export wrote its own row; mirroring an earlier one from the ledger changed nothing
    assertThat(db.rows("SELECT run_id, stage, status FROM pipeline_runs ORDER BY started_at"))
        .containsExactly(
            "daily__2024-02-02|gold|success",
            "daily__2024-02-02|export|success",
            "daily__2024-02-02|export|success",
            "manual__rerun|export|success");
    assertThat(retry.get("pipeline_runs")).hasSize(3).containsAll(before.get("pipeline_runs"));
    assertThat(rerun.get("pipeline_runs")).hasSize(4).containsAll(retry.get("pipeline_runs"));
  }

  @Test
  void aFailureInsideTheTransactionLeavesEveryTableAsBeforeAndTheRetrySucceeds() {
    lake.writeGold(0, 0);
    lake.writeOps();
    assertThat(export("--config", noLookback.toString(), "--date", "2024-02-01")).isZero();
    Map<String, List<String>> before = db.dump();
    lake.writeGold(1, 1);

    // forced error after the first table was written
    assertThat(
            export(
                db,
                Map.of(ExportFailpoint.ENV, "stations"),
                "--config",
                noLookback.toString(),
                "--date",
                "2024-02-02"))
        .isEqualTo(1);
    assertThat(db.dump()).isEqualTo(before);
    // the server kills the connection after the aggregates were written
    assertThat(
            export(
                db,
                Map.of(ExportFailpoint.ENV, "sensor_readings_agg:kill"),
                "--config",
                noLookback.toString(),
                "--date",
                "2024-02-02"))
        .isEqualTo(1);
    assertThat(db.dump()).isEqualTo(before);

    assertThat(export("--config", noLookback.toString(), "--date", "2024-02-02")).isZero();
    assertThat(db.rows("SELECT started_at, ended_at FROM alert_history"))
        .containsExactly("2024-02-01 22:00:00+00|2024-02-02 02:00:00+00");
    assertThat(db.count("sensor_readings_agg"))
        .isEqualTo(before.get("sensor_readings_agg").size() + 23 + 6 + 1 + 24 + 6 + 1);
  }

  @Test
  void episodesThatGoldNoLongerHasAreRemovedUnlessOperatorsWorkedOnThem() {
    lake.writeGold(0, 2);
    assertThat(export("--config", noLookback.toString(), "--date", "2024-02-03")).isZero();
    assertThat(db.rows("SELECT started_at FROM alert_history WHERE started_at > '2024-02-03'"))
        .containsExactly("2024-02-03 10:00:00+00");

    // silver re-ran: the 10:00 reading is gone, and so are COMP-001's readings of 12:00-12:50
    lake.writeGold(
        2,
        2,
        r ->
            !(r.compressor().equals("COMP-002") && r.ts().equals(at("2024-02-03T10:00:00Z")))
                && !(r.compressor().equals("COMP-001")
                    && r.ts().toString().startsWith("2024-02-03T12:")));
    assertThat(export("--config", noLookback.toString(), "--date", "2024-02-03")).isZero();
    assertThat(
            db.rows(
                "SELECT started_at, abnormal_readings FROM alert_history"
                    + " WHERE started_at > '2024-02-03'"))
        .containsExactly("2024-02-03 10:30:00+00|1");
    assertThat(
            db.rows(
                "SELECT count(*) FROM sensor_readings_agg WHERE compressor_id = 'COMP-001'"
                    + " AND window_type = '1hr' AND agg_timestamp = '2024-02-03 12:00Z'"))
        .containsExactly("0");

    // the original gold comes back, an operator annotates the 10:00 episode, the reading goes
    // again: the annotated episode is kept, flagged superseded, and no longer active
    lake.writeGold(2, 2);
    assertThat(export("--config", noLookback.toString(), "--date", "2024-02-03")).isZero();
    db.execute(
        "UPDATE alert_history SET notes = 'checked on site'"
            + " WHERE started_at = '2024-02-03 10:00Z'");
    lake.writeGold(
        2,
        2,
        r -> !(r.compressor().equals("COMP-002") && r.ts().equals(at("2024-02-03T10:00:00Z"))));
    assertThat(export("--config", noLookback.toString(), "--date", "2024-02-03")).isZero();
    assertThat(
            db.rows(
                "SELECT started_at, superseded, notes FROM alert_history"
                    + " WHERE started_at > '2024-02-03' ORDER BY started_at"))
        .containsExactly("2024-02-03 10:00:00+00|t|checked on site", "2024-02-03 10:30:00+00|f|∅");
    assertThat(db.rows("SELECT started_at FROM v_active_alerts WHERE started_at > '2024-02-03'"))
        .containsExactly("2024-02-03 10:30:00+00");
  }

  @Test
  void anUnreachableServerFailsWithOneLineNamingHostAndPort() throws IOException {
    lake.writeGold(0, 0);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> env = new HashMap<>(db.env());
    env.put("ALTAVIZ_PG_PORT", String.valueOf(port));
    env.put("ALTAVIZ_PG_PASSWORD", "s3cret-never-printed");
    Captured c =
        capture(
            () ->
                JobLauncher.run(
                    new ExportJob(env), "--lake", lake.root.toString(), "--date", "2024-02-01"));
    assertThat(c.exit).isEqualTo(1);
    List<String> errors = c.err.lines().filter(l -> l.contains("error:")).toList();
    assertThat(errors)
        .containsExactly(
            "altaviz-export: error: cannot connect to PostgreSQL at 127.0.0.1:"
                + port
                + " (database "
                + db.name()
                + ", user "
                + db.settings().user()
                + "): Connection refused");
    assertThat(c.err).doesNotContain("\tat ").doesNotContain("s3cret");
    assertThat(c.out).doesNotContain("s3cret");
  }

  @Test
  void migrateSubcommandAppliesTheSchemaOnceWithoutSpark() {
    Captured first = capture(() -> JobLauncher.run(new ExportJob(db.env()), "migrate"));
    assertThat(first.exit).isZero();
    assertThat(first.out.strip())
        .isEqualTo(
            "altaviz-export migrate: "
                + db.settings()
                + ": schema at version 4 (4 migrations applied)");
    Captured second = capture(() -> JobLauncher.run(new ExportJob(db.env()), "migrate"));
    assertThat(second.out.strip()).endsWith("schema at version 4 (0 migrations applied)");
  }

  @Test
  void aWriterLoginExportsIntoADatabaseThatASuperuserMigrated() {
    // the production split of sql/README.md: migrations by an owner, exports by a login that is
    // only a member of altaviz_writer
    lake.writeGold(0, 1);
    lake.writeOps();
    assertThat(JobLauncher.run(new ExportJob(db.env()), "migrate")).isZero();
    String login = "altaviz_test_etl_" + UUID.randomUUID().toString().substring(0, 8);
    db.execute("CREATE ROLE " + login + " LOGIN PASSWORD 'etl-pw' IN ROLE altaviz_writer");
    try {
      Map<String, String> asWriter =
          Map.of("ALTAVIZ_PG_USER", login, "ALTAVIZ_PG_PASSWORD", "etl-pw");
      assertThat(export(db, asWriter, "--date", "2024-02-01", "--run-id", "by-writer")).isZero();
      assertThat(db.rows("SELECT DISTINCT run_id FROM sensor_readings_agg"))
          .containsExactly("by-writer");
      assertThat(
              db.rows("SELECT count(*) FROM pg_class WHERE relowner = to_regrole('" + login + "')"))
          .containsExactly("0");
    } finally {
      db.execute("DROP OWNED BY " + login);
      db.execute("DROP ROLE " + login);
    }
  }

  @Test
  void goldWithoutAContractColumnIsAUsageErrorNamingIt() {
    StructType partial =
        new StructType()
            .add("compressor_id", DataTypes.StringType)
            .add("timestamp", DataTypes.TimestampType);
    List<Row> rows =
        LakeFixture.readings(0, 0).stream()
            .map(r -> RowFactory.create(r.compressor(), Timestamp.from(r.ts())))
            .toList();
    spark.createDataFrame(rows, partial).write().format("delta").save(lake.lake.goldFeatures());
    Captured c =
        capture(() -> JobLauncher.run(new ExportJob(db.env()), "--lake", lake.root.toString()));
    assertThat(c.exit).isEqualTo(2);
    assertThat(c.err.lines().filter(l -> l.contains("error:")))
        .containsExactly(
            "altaviz-export: error: table "
                + lake.lake.goldFeatures()
                + " lacks the columns [vibration_mms, discharge_temp_f, suction_pressure_psi,"
                + " discharge_pressure_psi, horsepower_consumption, gas_flow_mcf, date]"
                + " (gold/sensor_features contract, Schemas.GOLD_FEATURES)");
  }

  /** The export rows of pipeline_runs, timestamps in microseconds (see ledgerExportRows). */
  private static final String OWN_ROWS =
      "SELECT run_id, stage, status, rows_in, rows_out, rows_quarantined,"
          + " (extract(epoch FROM started_at) * 1000000)::bigint,"
          + " (extract(epoch FROM finished_at) * 1000000)::bigint, duration_ms, input_table,"
          + " input_version, output_table, message, spark_app_id"
          + " FROM pipeline_runs WHERE stage = 'export' ORDER BY started_at";

  /** The export rows of the lake's ledger, as {@link #OWN_ROWS} shows PostgreSQL's. */
  private List<String> ledgerExportRows() {
    return spark
        .read()
        .format("delta")
        .load(lake.lake.pipelineRuns())
        .where("stage = 'export'")
        .orderBy("started_at")
        .collectAsList()
        .stream()
        .map(
            r ->
                String.join(
                    "|",
                    r.<String>getAs("run_id"),
                    r.<String>getAs("stage"),
                    r.<String>getAs("status"),
                    String.valueOf(r.<Long>getAs("rows_in")),
                    String.valueOf(r.<Long>getAs("rows_out")),
                    String.valueOf(r.<Long>getAs("rows_quarantined")),
                    String.valueOf(micros(r.getAs("started_at"))),
                    String.valueOf(micros(r.getAs("finished_at"))),
                    String.valueOf(r.<Long>getAs("duration_ms")),
                    r.<String>getAs("input_table"),
                    String.valueOf(r.<Long>getAs("input_version")),
                    r.<String>getAs("output_table"),
                    r.isNullAt(r.fieldIndex("message")) ? "∅" : r.getAs("message"),
                    r.<String>getAs("spark_app_id")))
        .toList();
  }

  private static long micros(Timestamp t) {
    return t.toInstant().getEpochSecond() * 1_000_000 + t.toInstant().getNano() / 1000;
  }

  private static List<String> withoutRunId(List<String> rows) {
    return rows.stream().map(r -> r.substring(0, r.lastIndexOf('|'))).toList();
  }

  private record Captured(int exit, String out, String err) {}

  private static Captured capture(java.util.function.IntSupplier body) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = body.getAsInt();
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Captured(
        exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }
}
