package com.altaviz.etl.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.altaviz.etl.common.EtlException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The migrations in sql/ against a real, empty PostgreSQL database. */
class SchemaMigrationTest {
  private PgTestDatabase db;

  @BeforeEach
  void createDatabase() {
    db = PgTestDatabase.create();
  }

  @AfterEach
  void dropDatabase() {
    db.close();
  }

  @Test
  void appliesOnAnEmptyDatabaseAndIsANoOpTheSecondTime() {
    SchemaMigrator.Result first = SchemaMigrator.migrate(db.settings());
    assertThat(first).isEqualTo(new SchemaMigrator.Result("4", 4));

    List<String> history =
        db.rows(
            "SELECT version, script, success FROM flyway_schema_history ORDER BY installed_rank");
    assertThat(history)
        .containsExactly(
            "1|V1__baseline.sql|t",
            "2|V2__dashboard_views.sql|t",
            "3|V3__history_writable_by_writer.sql|t",
            "4|V4__quality_check_results.sql|t");
    List<String> objectsBefore = objects();

    SchemaMigrator.Result second = SchemaMigrator.migrate(db.settings());
    assertThat(second).isEqualTo(new SchemaMigrator.Result("4", 0));
    assertThat(db.count("flyway_schema_history")).isEqualTo(4);
    assertThat(objects()).isEqualTo(objectsBefore);
  }

  @Test
  void adoptsTheNotificationsTableAFailureCallbackCreatedBeforeTheFirstExport() {
    // what dags/altaviz_notify.py does when a run fails before any export migrated the database
    db.execute(
        "CREATE TABLE IF NOT EXISTS pipeline_notifications (id bigint GENERATED ALWAYS AS"
            + " IDENTITY PRIMARY KEY, dag_id text NOT NULL, run_id text, task_id text, kind text"
            + " NOT NULL, message text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
    db.execute(
        "INSERT INTO pipeline_notifications (dag_id, run_id, task_id, kind, message)"
            + " VALUES ('altaviz_medallion', 'r1', 'bronze', 'task_failure', 'exit 2')");

    assertThat(SchemaMigrator.migrate(db.settings())).isEqualTo(new SchemaMigrator.Result("4", 4));
    assertThat(db.rows("SELECT id, dag_id, task_id, kind FROM pipeline_notifications"))
        .containsExactly("1|altaviz_medallion|bronze|task_failure");
    assertThat(
            db.rows(
                "SELECT pg_get_userbyid(relowner) FROM pg_class"
                    + " WHERE relname = 'pipeline_notifications'"))
        .containsExactly("altaviz_writer");
  }

  @Test
  void aLoginOutsideTheWriterRoleIsToldToMigrateAsTheOwnerInOneLine() {
    SchemaMigrator.migrate(db.settings());
    String login = "altaviz_test_nobody_" + UUID.randomUUID().toString().substring(0, 8);
    db.execute("CREATE ROLE " + login + " LOGIN PASSWORD 'pw'");
    try {
      Map<String, String> env = new HashMap<>(db.env());
      env.putAll(Map.of("ALTAVIZ_PG_USER", login, "ALTAVIZ_PG_PASSWORD", "pw"));
      PgSettings asNobody = PgSettings.fromEnvironment(env);
      assertThatThrownBy(() -> SchemaMigrator.migrate(asNobody))
          .isInstanceOfSatisfying(
              EtlException.class,
              e -> {
                assertThat(e.exitCode()).isEqualTo(2);
                assertThat(e.getMessage())
                    .isEqualTo(
                        "user "
                            + login
                            + " may not migrate "
                            + asNobody
                            + " (ERROR: permission denied for table flyway_schema_history):"
                            + " run 'altaviz-export migrate' once as the database owner");
              });
    } finally {
      db.execute("DROP ROLE " + login);
    }
  }

  @Test
  void aDatabaseMigratedBeforeTheCommentsOfV1AndV2WereRewordedIsRealignedNotRefused() {
    SchemaMigrator.migrate(db.settings());
    List<String> current =
        db.rows("SELECT version, checksum FROM flyway_schema_history ORDER BY installed_rank");
    SchemaMigrator.REWORDED_COMMENTS.forEach(
        (version, old) ->
            db.execute(
                "UPDATE flyway_schema_history SET checksum = "
                    + old
                    + " WHERE version = '"
                    + version
                    + "'"));

    assertThat(SchemaMigrator.migrate(db.settings())).isEqualTo(new SchemaMigrator.Result("4", 0));
    assertThat(
            db.rows("SELECT version, checksum FROM flyway_schema_history ORDER BY installed_rank"))
        .isEqualTo(current);
  }

  @Test
  void anEditedAppliedMigrationIsAConfigurationErrorInOneLine() {
    SchemaMigrator.migrate(db.settings());
    db.execute("UPDATE flyway_schema_history SET checksum = 42 WHERE version = '1'");
    assertThatThrownBy(() -> SchemaMigrator.migrate(db.settings()))
        .isInstanceOfSatisfying(
            EtlException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(2);
              assertThat(e.getMessage())
                  .startsWith(
                      "the schema history of "
                          + db.settings()
                          + " does not match the migrations in this jar: ")
                  .contains("checksum mismatch for migration version 1")
                  .doesNotContain("\n");
            });
  }

  @Test
  void createsTheTablesViewsAndRolesOfTheContract() {
    SchemaMigrator.migrate(db.settings());
    assertThat(objects())
        .containsExactly(
            "alert_history|r|altaviz_writer",
            "compressor_metadata|r|altaviz_writer",
            "data_quality_metrics|r|altaviz_writer",
            "maintenance_events|r|altaviz_writer",
            "pipeline_notifications|r|altaviz_writer",
            "pipeline_runs|r|altaviz_writer",
            "sensor_readings_agg|r|altaviz_writer",
            "stations|r|altaviz_writer",
            "v_active_alerts|v|altaviz_writer",
            "v_fleet_health_summary|v|altaviz_writer",
            "v_latest_readings|v|altaviz_writer");
    assertThat(
            db.rows(
                "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE 'altaviz_%'"
                    + " ORDER BY rolname"))
        .containsExactly("altaviz_reader|f", "altaviz_writer|f");
    // the read-only role reads every table and view and writes nothing
    for (String rel :
        List.of(
            "alert_history",
            "sensor_readings_agg",
            "v_fleet_health_summary",
            "v_active_alerts",
            "v_latest_readings",
            "pipeline_notifications")) {
      assertThat(
              db.rows(
                  "SELECT has_table_privilege('altaviz_reader', '"
                      + rel
                      + "', 'SELECT'),"
                      + " has_table_privilege('altaviz_reader', '"
                      + rel
                      + "', 'INSERT'),"
                      + " has_table_privilege('altaviz_reader', '"
                      + rel
                      + "', 'UPDATE')"))
          .as(rel)
          .containsExactly("t|f|f");
    }
    assertThat(db.rows("SELECT has_table_privilege('altaviz_writer', 'alert_history', 'INSERT')"))
        .containsExactly("t");
  }

  @Test
  void v4AddsTheCheckColumnsToADatabaseWithMetricsAndKeysThemByScope() {
    Flyway.configure(SchemaMigrator.class.getClassLoader())
        .dataSource(db.settings().dataSource())
        .locations("classpath:db/migration")
        .target("3")
        .load()
        .migrate();
    db.execute(
        "INSERT INTO data_quality_metrics (run_id, stage, metric, column_name, value, status,"
            + " computed_at) VALUES ('r1', 'silver', 'completeness', '*', 0.99, 'pass', now())");

    assertThat(SchemaMigrator.migrate(db.settings())).isEqualTo(new SchemaMigrator.Result("4", 1));
    assertThat(
            db.rows(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
                    + " WHERE table_name = 'data_quality_metrics' AND ordinal_position > 10"
                    + " ORDER BY ordinal_position"))
        .containsExactly(
            "check_name|text|YES",
            "kind|text|YES",
            "table_name|text|YES",
            "scope|text|NO",
            "lower_bound|double precision|YES",
            "upper_bound|double precision|YES",
            "p_value|double precision|YES",
            "action|text|YES",
            "message|text|YES");
    // the row mirrored before V4 is a fleet-wide result
    assertThat(db.rows("SELECT metric, scope, check_name FROM data_quality_metrics"))
        .containsExactly("completeness|*|∅");
    // one drift check: a row per scope of the same sensor
    db.execute(
        "INSERT INTO data_quality_metrics (run_id, stage, metric, column_name, scope, value,"
            + " status, computed_at) VALUES"
            + " ('r1', 'silver', 'sensor_ks_drift', 'vibration_mms', '*', 0.1, 'pass', now()),"
            + " ('r1', 'silver', 'sensor_ks_drift', 'vibration_mms', 'model=A', 0.2, 'warn',"
            + " now())");
    assertThat(db.rows("SELECT count(*) FROM data_quality_metrics")).containsExactly("3");
    assertThatThrownBy(
            () ->
                db.execute(
                    "INSERT INTO data_quality_metrics (run_id, stage, metric, column_name, scope,"
                        + " status, computed_at) VALUES ('r1', 'silver', 'sensor_ks_drift',"
                        + " 'vibration_mms', 'model=A', 'pass', now())"))
        .rootCause()
        .hasMessageContaining("data_quality_metrics_pkey");
    // the reader sees the new columns, and still writes nothing
    assertThat(
            db.rows(
                "SELECT has_column_privilege('altaviz_reader', 'data_quality_metrics',"
                    + " 'message', 'SELECT'), has_table_privilege('altaviz_reader',"
                    + " 'data_quality_metrics', 'INSERT')"))
        .containsExactly("t|f");
  }

  @Test
  void theDashboardIndexesExist() {
    SchemaMigrator.migrate(db.settings());
    assertThat(
            db.rows(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
                    + " ORDER BY indexname"))
        .contains(
            "sensor_readings_agg_pkey",
            "sensor_readings_agg_window_time_idx",
            "alert_history_episode_key",
            "alert_history_unresolved_idx",
            "data_quality_metrics_pkey",
            "pipeline_runs_pkey",
            "pipeline_notifications_created_idx");
  }

  @Test
  void fleetHealthRanksCriticalAboveWarningAboveHealthyNotAlphabetically() {
    SchemaMigrator.migrate(db.settings());
    db.execute(
        "INSERT INTO compressor_metadata (compressor_id, station_id, run_id) VALUES"
            + " ('COMP-001', 'S1', 'r'), ('COMP-002', 'S1', 'r'), ('COMP-003', 'S1', 'r')");
    db.execute(
        "INSERT INTO alert_history (compressor_id, sensor, started_at, last_abnormal_at,"
            + " severity, peak_value, peak_at, threshold_value, abnormal_readings, message, run_id)"
            + " VALUES ('COMP-001', 'vibration_mms', '2024-02-01 00:00Z', '2024-02-01 00:00Z',"
            + " 'warning', 6.5, '2024-02-01 00:00Z', 6.0, 1, 'w', 'r'),"
            + " ('COMP-003', 'vibration_mms', '2024-02-01 00:00Z', '2024-02-01 00:00Z',"
            + " 'critical', 8.5, '2024-02-01 00:00Z', 8.0, 1, 'c', 'r')");
    assertThat(
            db.rows(
                "SELECT compressor_id, health_status, health_rank, active_alerts"
                    + " FROM v_fleet_health_summary"))
        .containsExactly("COMP-003|critical|2|1", "COMP-001|warning|1|1", "COMP-002|healthy|0|0");
    assertThat(db.rows("SELECT compressor_id, severity, severity_rank FROM v_active_alerts"))
        .containsExactly("COMP-003|critical|2", "COMP-001|warning|1");

    // an operator resolves the critical alert: the compressor is healthy again
    db.execute("UPDATE alert_history SET resolved = true WHERE compressor_id = 'COMP-003'");
    assertThat(db.rows("SELECT compressor_id, health_status FROM v_fleet_health_summary"))
        .containsExactly("COMP-001|warning", "COMP-002|healthy", "COMP-003|healthy");
  }

  @Test
  void alertHistoryRejectsANullOrEmptyMessage() {
    SchemaMigrator.migrate(db.settings());
    String insert =
        "INSERT INTO alert_history (compressor_id, sensor, started_at, last_abnormal_at, severity,"
            + " peak_value, peak_at, threshold_value, abnormal_readings, message, run_id) VALUES"
            + " ('COMP-001', 'vibration_mms', '2024-02-01 00:00Z', '2024-02-01 00:00Z', 'warning',"
            + " 6.5, '2024-02-01 00:00Z', 6.0, 1, %s, 'r')";
    assertThatThrownBy(() -> db.execute(String.format(insert, "NULL")))
        .rootCause()
        .hasMessageContaining("null value in column \"message\"");
    assertThatThrownBy(() -> db.execute(String.format(insert, "''")))
        .rootCause()
        .hasMessageContaining("violates check constraint \"alert_history_message_check\"");
    assertThat(db.count("alert_history")).isZero();
  }

  /** Tables and views of the public schema: name|kind|owner. */
  private List<String> objects() {
    return db.rows(
        "SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner) FROM pg_class c"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
            + " AND c.relkind IN ('r', 'v') AND c.relname <> 'flyway_schema_history'"
            + " ORDER BY c.relname");
  }
}
