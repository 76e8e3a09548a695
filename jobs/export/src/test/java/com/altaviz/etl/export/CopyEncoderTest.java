package com.altaviz.etl.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.altaviz.etl.common.EtlException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The COPY encoder against a database migrated with the real migrations of sql/: every table the
 * export writes must match, a drifted schema must fail naming table and column, and values must
 * arrive exactly.
 */
class CopyEncoderTest {
  private PgTestDatabase db;

  @BeforeEach
  void migrate() {
    db = PgTestDatabase.create();
    SchemaMigrator.migrate(db.settings());
  }

  @AfterEach
  void drop() {
    db.close();
  }

  @Test
  void everyExportTableMatchesTheMigratedSchema() throws Exception {
    try (Connection c = PgConnections.open(db.settings())) {
      for (PgTable t : ExportTables.ALL) {
        CopyEncoder e = CopyEncoder.read(c, t);
        // every written column is sent, in the database's column order
        List<String> dbOrder = new ArrayList<>();
        for (CopyEncoder.DbColumn col : CopyEncoder.describe(c, t.name())) {
          if (t.columns().contains(col.name())) {
            dbOrder.add(col.name());
          }
          assertThat(col.type())
              .as(t.name() + "." + col.name())
              .isEqualTo(
                  t.columns().contains(col.name())
                      ? CopyEncoder.pgType(t.schema().apply(col.name()).dataType())
                      : col.type());
        }
        assertThat(e.columns()).as(t.name()).isEqualTo(dbOrder);
        assertThat(e.columns()).as(t.name()).containsExactlyInAnyOrderElementsOf(t.columns());
      }
      // the operator columns and the identity are never sent
      assertThat(CopyEncoder.read(c, ExportTables.ALERT_HISTORY).columns())
          .containsExactly(
              "compressor_id",
              "sensor",
              "started_at",
              "ended_at",
              "last_abnormal_at",
              "severity",
              "peak_value",
              "peak_at",
              "threshold_value",
              "abnormal_readings",
              "message",
              "superseded",
              "run_id");
      List<String> agg = CopyEncoder.read(c, ExportTables.SENSOR_READINGS_AGG).columns();
      assertThat(agg).hasSize(30);
      assertThat(agg.subList(0, 5))
          .containsExactly(
              "compressor_id",
              "window_type",
              "agg_timestamp",
              "vibration_mms_mean",
              "vibration_mms_std");
      assertThat(agg.subList(26, 30))
          .containsExactly("gas_flow_mcf_max", "reading_count", "missing_readings", "run_id");
    }
  }

  @Test
  void aColumnOfAnotherTypeIsNamed() {
    dropViews();
    db.execute("ALTER TABLE sensor_readings_agg ALTER COLUMN reading_count TYPE bigint");
    assertThatThrownBy(() -> encoder(ExportTables.SENSOR_READINGS_AGG))
        .isInstanceOf(EtlException.class)
        .hasMessage(
            "the PostgreSQL schema does not match this export: sensor_readings_agg.reading_count:"
                + " the export writes integer, the database column is bigint (migrations in sql/"
                + " and ExportTables disagree)");
  }

  @Test
  void aMissingColumnIsNamed() {
    dropViews();
    db.execute("ALTER TABLE stations DROP COLUMN region");
    assertThatThrownBy(() -> encoder(ExportTables.STATIONS))
        .isInstanceOf(EtlException.class)
        .hasMessage(
            "the PostgreSQL schema does not match this export: stations.region: the export writes"
                + " text, the database table has no such column (migrations in sql/ and"
                + " ExportTables disagree)");
  }

  @Test
  void aRequiredColumnTheExportDoesNotWriteIsNamed() {
    dropViews();
    db.execute("ALTER TABLE compressor_metadata ADD COLUMN owner text NOT NULL");
    assertThatThrownBy(() -> encoder(ExportTables.COMPRESSOR_METADATA))
        .isInstanceOf(EtlException.class)
        .hasMessage(
            "the PostgreSQL schema does not match this export: compressor_metadata.owner: NOT NULL"
                + " without a default, and the export does not write it (migrations in sql/ and"
                + " ExportTables disagree)");
    // with a default it is the database's business
    db.execute("ALTER TABLE compressor_metadata ALTER COLUMN owner SET DEFAULT 'ops'");
    assertThat(encoder(ExportTables.COMPRESSOR_METADATA).columns())
        .containsExactlyElementsOf(ExportTables.COMPRESSOR_METADATA.columns());
  }

  @Test
  void aMissingTableIsNamed() {
    dropViews();
    db.execute("DROP TABLE maintenance_events");
    assertThatThrownBy(() -> encoder(ExportTables.MAINTENANCE_EVENTS))
        .isInstanceOf(EtlException.class)
        .hasMessage(
            "the PostgreSQL schema does not match this export: maintenance_events: the database"
                + " has no such table (migrations in sql/ and ExportTables disagree)");
  }

  @Test
  void reorderedColumnsStillLoadByName() throws Exception {
    // the same columns in another order: COPY follows the database, values follow their names
    dropViews();
    db.execute("DROP TABLE stations");
    db.execute(
        "CREATE TABLE stations (run_id text NOT NULL, state text, region text,"
            + " longitude double precision, latitude double precision, station_name text,"
            + " station_id text PRIMARY KEY)");
    try (Connection c = PgConnections.open(db.settings())) {
      c.setAutoCommit(false);
      PgTable t = ExportTables.STATIONS;
      new TableLoader(c, t, CopyEncoder.read(c, t))
          .copyInto(
              List.<Object[]>of(new Object[] {"ST-1", "North", 1.5, -2.25, "R", "TX", "run-1"})
                  .iterator(),
              t.name());
      c.commit();
    }
    assertThat(
            db.rows(
                "SELECT station_id, station_name, latitude, longitude, region, state,"
                    + " run_id FROM stations"))
        .containsExactly("ST-1|North|1.5|-2.25|R|TX|run-1");
  }

  @Test
  void valuesArriveExactly() throws Exception {
    double[] doubles = {
      0.1 + 0.2,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      -0.0,
      1e-300,
      123456.789012345678,
      Math.PI,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY
    };
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < doubles.length; i++) {
      rows.add(
          new Object[] {
            String.format("M-%02d", i),
            i == 0 ? "" : null, // an empty string is not null
            "quote \" comma , newline \n end",
            "ünïcødé",
            Timestamp.from(Instant.parse("2024-02-01T00:00:00.123456Z").plusSeconds(i)),
            doubles[i],
            null,
            i % 2 == 0 ? "overhaul" : null,
            "run-1"
          });
    }
    // maintenance_events has text, timestamptz and double columns; given here in another order
    PgTable t =
        new PgTable(
            "maintenance_events",
            new org.apache.spark.sql.types.StructType()
                .add("maintenance_id", org.apache.spark.sql.types.DataTypes.StringType)
                .add("compressor_id", org.apache.spark.sql.types.DataTypes.StringType)
                .add("description", org.apache.spark.sql.types.DataTypes.StringType)
                .add("performed_by", org.apache.spark.sql.types.DataTypes.StringType)
                .add("performed_at", org.apache.spark.sql.types.DataTypes.TimestampType)
                .add("cost_usd", org.apache.spark.sql.types.DataTypes.DoubleType)
                .add("notes", org.apache.spark.sql.types.DataTypes.StringType)
                .add("maintenance_type", org.apache.spark.sql.types.DataTypes.StringType)
                .add("run_id", org.apache.spark.sql.types.DataTypes.StringType),
            List.of("maintenance_id"),
            "run_id");
    try (Connection c = PgConnections.open(db.settings())) {
      c.setAutoCommit(false);
      assertThat(new TableLoader(c, t, CopyEncoder.read(c, t)).copyInto(rows.iterator(), t.name()))
          .isEqualTo(doubles.length);
      c.commit();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT maintenance_id, compressor_id, description, performed_by,"
                      + " performed_at, cost_usd, notes, maintenance_type"
                      + " FROM maintenance_events ORDER BY maintenance_id")) {
        int i = 0;
        while (rs.next()) {
          Object[] r = rows.get(i);
          assertThat(rs.getString(1)).isEqualTo(r[0]);
          assertThat(rs.getString(2)).isEqualTo(r[1]);
          assertThat(rs.getString(3)).isEqualTo(r[2]);
          assertThat(rs.getString(4)).isEqualTo(r[3]);
          assertThat(rs.getTimestamp(5).toInstant()).isEqualTo(((Timestamp) r[4]).toInstant());
          assertThat(Double.doubleToRawLongBits(rs.getDouble(6)))
              .as("cost_usd of " + r[0])
              .isEqualTo(Double.doubleToRawLongBits(doubles[i]));
          assertThat(rs.getString(7)).isNull();
          assertThat(rs.getString(8)).isEqualTo(r[7]);
          i++;
        }
        assertThat(i).isEqualTo(doubles.length);
      }
    }
  }

  /** The dashboard views depend on the tables; schema drift is simulated without them. */
  private void dropViews() {
    db.execute("DROP VIEW v_fleet_health_summary, v_active_alerts, v_latest_readings");
  }

  private CopyEncoder encoder(PgTable t) {
    try (Connection c = PgConnections.open(db.settings())) {
      return CopyEncoder.read(c, t);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
