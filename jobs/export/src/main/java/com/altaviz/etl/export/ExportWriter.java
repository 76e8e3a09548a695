package com.altaviz.etl.export;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.Failpoint;
import com.altaviz.etl.common.LedgerEntry;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.quality.CheckResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes an {@link ExportBatch} in ONE transaction: per table, COPY into a temporary staging table
 * and INSERT … ON CONFLICT on the natural key (never TRUNCATE; aggregates into an empty range go
 * straight in by COPY); aggregate buckets and alert episodes that this run recomputed but that gold
 * no longer has are removed. Every COPY goes through the table's {@link CopyEncoder}. Any failure
 * rolls everything back, so PostgreSQL shows either the previous or the new state of a run.
 */
public final class ExportWriter {
  /** What one table received. */
  public record TableCounts(String table, long staged, long inserted, long updated, long removed) {
    public long written() {
      return inserted + updated + removed;
    }
  }

  /** Per-table counts, the gold readings behind the aggregates, the export checks' results. */
  public record Summary(
      List<TableCounts> tables, long readings, List<CheckResult> checks, Instant checkedAt) {
    public long rowsWritten() {
      return tables.stream().mapToLong(TableCounts::written).sum();
    }
  }

  // Export runs of the same database queue up instead of interleaving their upserts and
  // stale-row removals (Airflow may run two intervals at once).
  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('altaviz-export'))";

  private final PgSettings pg;
  private final StageLog log;
  private final ExportFailpoint failpoint;
  private final Map<String, CopyEncoder> encoders;
  private final ExportChecks checks;

  /** {@code encoders}: one per table of {@link ExportTables#ALL}, by table name. */
  public ExportWriter(
      PgSettings pg, StageLog log, ExportFailpoint failpoint, Map<String, CopyEncoder> encoders) {
    this(pg, log, failpoint, encoders, ExportChecks.NONE);
  }

  public ExportWriter(
      PgSettings pg,
      StageLog log,
      ExportFailpoint failpoint,
      Map<String, CopyEncoder> encoders,
      ExportChecks checks) {
    this.pg = pg;
    this.log = log;
    this.failpoint = failpoint;
    this.encoders = Map.copyOf(encoders);
    this.checks = checks;
  }

  private TableLoader loader(Connection conn, PgTable t) {
    CopyEncoder e = encoders.get(t.name());
    if (e == null) {
      throw new IllegalStateException("no COPY encoder for " + t.name());
    }
    return new TableLoader(conn, t, e);
  }

  public Summary write(ExportBatch b) throws Exception {
    Connection conn = PgConnections.open(pg);
    boolean committed = false;
    try {
      conn.setAutoCommit(false);
      try (Statement s = conn.createStatement()) {
        s.execute(LOCK);
      }
      List<TableCounts> counts = new ArrayList<>();
      // the aggregates first: the episodes and side inputs finish computing meanwhile
      Aggregates aggregates = loadAggregates(conn, b);
      counts.add(aggregates.counts());
      List<CheckResult> checked =
          checks.reconcile(aggregates.counts().staged(), aggregates.pgRows());
      checked.forEach(c -> log.info("  {} {}", c.message(), c.status()));
      ExportChecks.requirePassed(checked);
      ExportBatch.Rest r = b.rest().call();
      counts.add(load(conn, ExportTables.STATIONS, r.stations().iterator()));
      counts.add(load(conn, ExportTables.COMPRESSOR_METADATA, r.compressorMetadata().iterator()));
      counts.add(load(conn, ExportTables.MAINTENANCE_EVENTS, r.maintenanceEvents().iterator()));
      counts.add(loadAlerts(conn, r));
      ExportChecks.Rows metrics = checks.merge(checked, r.qualityMetrics());
      counts.add(load(conn, ExportTables.DATA_QUALITY_METRICS, metrics.rows().iterator()));
      counts.add(loadPipelineRuns(conn, b, r.pipelineRuns(), counts, aggregates.readings()));
      Failpoint.EXPORT_INSIDE_TRANSACTION.reach();
      conn.commit();
      committed = true;
      Failpoint.EXPORT_AFTER_PG_COMMIT.reach();
      return new Summary(List.copyOf(counts), aggregates.readings(), checked, metrics.computedAt());
    } catch (SQLException e) {
      EtlException lost = PgConnections.connectionFailure(pg, e, "write to");
      if (lost != null) {
        throw new EtlException(lost.exitCode(), lost.getMessage() + " (nothing was committed)", e);
      }
      throw new IllegalStateException("export transaction failed: " + e.getMessage(), e);
    } finally {
      if (!committed) {
        rollbackQuietly(conn);
      }
      closeQuietly(conn);
    }
  }

  private TableCounts load(Connection conn, PgTable t, Iterator<Object[]> rows)
      throws SQLException {
    long t0 = System.nanoTime();
    TableLoader loader = loader(conn, t);
    long staged = loader.stage(rows);
    TableLoader.Upserted u = loader.upsert();
    return done(conn, t, new TableCounts(t.name(), staged, u.inserted(), u.updated(), 0), t0);
  }

  /**
   * Mirrors the ledger rows, then upserts this export's own row: the ledger gets that row only
   * after the export ends, so without it pipeline_runs would lack the latest export until the next
   * one. The own row says what this transaction wrote, itself included, and is exactly the row the
   * ledger then records ({@link com.altaviz.etl.common.StageContext#publishedSuccess}), so
   * mirroring it later changes nothing. Before that, rows of earlier attempts of this run that the
   * ledger does not hold are deleted: an attempt that committed here but crashed before its ledger
   * row was written. Only this run's: another run's attempt may be between its commit and its
   * ledger write right now, and Airflow never runs two attempts of one run at once.
   */
  private TableCounts loadPipelineRuns(
      Connection conn,
      ExportBatch b,
      List<Object[]> mirrored,
      List<TableCounts> before,
      long readings)
      throws SQLException {
    long t0 = System.nanoTime();
    PgTable t = ExportTables.PIPELINE_RUNS;
    TableLoader loader = loader(conn, t);
    long staged = loader.stage(mirrored.iterator());
    TableLoader.Upserted u = loader.upsert();
    long removed;
    try (PreparedStatement ps =
        conn.prepareStatement(
            "WITH d AS (DELETE FROM "
                + t.name()
                + " t WHERE t.run_id = ? AND t.stage = ? AND NOT EXISTS (SELECT 1 FROM "
                + t.staging()
                + " s WHERE "
                + t.keyMatch("s", "t")
                + ") RETURNING 1) SELECT count(*) FROM d")) {
      ps.setString(1, b.ownRunId());
      ps.setString(2, ExportJob.STAGE);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        removed = rs.getLong(1);
      }
    }
    // the own row's key is new (its started_at is this attempt's): it counts as one insert
    List<TableCounts> expected = new ArrayList<>(before);
    expected.add(new TableCounts(t.name(), staged + 1, u.inserted() + 1, u.updated(), removed));
    LedgerEntry own =
        b.ownRun().apply(new Summary(List.copyOf(expected), readings, List.of(), null));
    try (Statement s = conn.createStatement()) {
      s.execute("TRUNCATE " + t.staging());
    }
    loader.copyInto(List.<Object[]>of(OpsMirror.pipelineRun(own)).iterator(), t.staging());
    TableLoader.Upserted o = loader.upsert();
    if (o.inserted() + o.updated() != 1) {
      throw new IllegalStateException("pipeline_runs: the export's own row was not written");
    }
    return done(
        conn,
        t,
        new TableCounts(
            t.name(), staged + 1, u.inserted() + o.inserted(), u.updated() + o.updated(), removed),
        t0);
  }

  private TableCounts done(Connection conn, PgTable t, TableCounts c, long t0) throws SQLException {
    log.info(
        "  {}: {} staged -> {} inserted, {} updated, {} unchanged, {} removed [{}]",
        t.name(),
        StageLog.count(c.staged()),
        StageLog.count(c.inserted()),
        StageLog.count(c.updated()),
        StageLog.count(c.staged() - c.inserted() - c.updated()),
        StageLog.count(c.removed()),
        StageLog.seconds(System.nanoTime() - t0));
    failpoint.after(t, conn);
    return c;
  }

  /** What the aggregates' load wrote, and the gold readings behind its daily buckets. */
  /** {@code pgRows}: buckets of the recomputed range in the table after the load. */
  private record Aggregates(TableCounts counts, long readings, long pgRows) {}

  /**
   * Upserts the buckets, then deletes buckets of the recomputed range that gold no longer has (the
   * same replace-the-range contract as silver's and gold's replaceWhere). A range that holds no
   * rows yet — a first export; the advisory lock keeps other exports out — takes the buckets by
   * COPY straight into the table: no staging copy, no upsert, nothing to delete. Otherwise the rows
   * the range held are counted, and when every one was staged again nothing is deleted.
   */
  private Aggregates loadAggregates(Connection conn, ExportBatch b) throws SQLException {
    long t0 = System.nanoTime();
    PgTable t = ExportTables.SENSOR_READINGS_AGG;
    TableLoader loader = loader(conn, t);
    boolean known = b.aggregationFrom() != null;
    // all three window types named: the (window_type, agg_timestamp) index serves the range
    String windows = " t.window_type IN ('1hr', '4hr', '24hr') AND";
    String knownRange = windows + " t.agg_timestamp >= ? AND t.agg_timestamp < ?";
    String target = t.name() + " t WHERE";
    // Single-batch mode replaces every day gold has, known only from the rows: straight in only
    // when the table is empty.
    String anyRow = "SELECT 1 FROM " + target + (known ? knownRange : " true") + " LIMIT 1";
    if (rangeQuery(conn, b, "SELECT count(*) FROM (" + anyRow + ") r") == 0) {
      // ~1M rows for a week at 4,500 compressors, encoded by Spark tasks, streamed to the server
      long n;
      try (var chunks = new PrefetchedPartitions<>(b.aggregateChunks())) {
        n = loader.copyChunks(chunks, t.name());
      }
      long readings =
          rangeQuery(
              conn,
              b,
              "SELECT coalesce(sum(reading_count), 0) FROM "
                  + target
                  + " window_type = '24hr'"
                  + (known ? " AND" + knownRange : ""));
      long pgRows =
          rangeQuery(conn, b, "SELECT count(*) FROM " + target + (known ? knownRange : " true"));
      return new Aggregates(
          done(conn, t, new TableCounts(t.name(), n, n, 0, 0), t0), readings, pgRows);
    }
    long staged;
    try (var chunks = new PrefetchedPartitions<>(b.aggregateChunks())) {
      staged = loader.stageChunks(chunks);
    }
    String range =
        known
            ? knownRange
            : windows
                + " t.agg_timestamp >= (SELECT min(agg_timestamp) FROM "
                + t.staging()
                + " WHERE window_type = '24hr') AND t.agg_timestamp < (SELECT max(agg_timestamp)"
                + " + interval '1 day' FROM "
                + t.staging()
                + " WHERE window_type = '24hr')";
    long before = rangeQuery(conn, b, "SELECT count(*) FROM " + target + range);
    TableLoader.Upserted u = loader.upsert();
    long restaged = staged - u.inserted(); // rows of the range whose key was staged again
    long removed =
        before == restaged
            ? 0
            : rangeQuery(
                conn,
                b,
                "WITH d AS (DELETE FROM "
                    + target
                    + range
                    + " AND NOT EXISTS (SELECT 1 FROM "
                    + t.staging()
                    + " s WHERE "
                    + t.keyMatch("s", "t")
                    + ") RETURNING 1) SELECT count(*) FROM d");
    long readings =
        rangeQuery(
            conn,
            null,
            "SELECT coalesce(sum(reading_count), 0) FROM "
                + t.staging()
                + " WHERE window_type = '24hr'");
    long pgRows = rangeQuery(conn, b, "SELECT count(*) FROM " + target + range);
    return new Aggregates(
        done(conn, t, new TableCounts(t.name(), staged, u.inserted(), u.updated(), removed), t0),
        readings,
        pgRows);
  }

  /**
   * A one-number query; its {@code ?} are the aggregates' recomputed range when {@code b} is given
   * and that range is known.
   */
  private static long rangeQuery(Connection conn, ExportBatch b, String sql) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      if (b != null && b.aggregationFrom() != null) {
        ps.setObject(1, utc(b.aggregationFrom()), Types.TIMESTAMP_WITH_TIMEZONE);
        ps.setObject(2, utc(b.aggregationTo()), Types.TIMESTAMP_WITH_TIMEZONE);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Upserts the episodes, then handles episodes of the recomputed spans that gold no longer defines
   * (a late reading moved a start, a re-run removed a spike): deleted, unless an operator already
   * acknowledged, resolved or annotated them — those are kept, flagged superseded.
   */
  private TableCounts loadAlerts(Connection conn, ExportBatch.Rest b) throws SQLException {
    long t0 = System.nanoTime();
    PgTable t = ExportTables.ALERT_HISTORY;
    TableLoader loader = loader(conn, t);
    long staged = loader.stage(b.alertRows().iterator());
    TableLoader.Upserted u = loader.upsert();

    // The started_at spans that keys re-read beyond the default window were computed for.
    PgTable spans =
        new PgTable(
            "stg_alert_spans",
            new StructType()
                .add("compressor_id", DataTypes.StringType)
                .add("sensor", DataTypes.StringType)
                .add("span_from", DataTypes.TimestampType)
                .add("span_to", DataTypes.TimestampType),
            List.of("compressor_id", "sensor"),
            null);
    try (Statement s = conn.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE stg_alert_spans (compressor_id text, sensor text,"
              + " span_from timestamptz, span_to timestamptz) ON COMMIT DROP");
    }
    List<Object[]> spanRows = new ArrayList<>();
    for (EpisodeSearch.Span sp : b.episodes().spans()) {
      spanRows.add(new Object[] {sp.compressorId(), sp.sensor(), sp.from(), sp.to()});
    }
    new TableLoader(conn, spans, CopyEncoder.read(conn, spans))
        .copyInto(spanRows.iterator(), spans.name());

    long removed;
    try (PreparedStatement ps =
        conn.prepareStatement(
            "WITH stale AS ("
                + " SELECT a.alert_id,"
                + " (a.acknowledged OR a.resolved OR a.notes IS NOT NULL) AS worked_on"
                + " FROM alert_history a"
                + " LEFT JOIN stg_alert_spans p"
                + " ON p.compressor_id = a.compressor_id AND p.sensor = a.sensor"
                + " WHERE a.started_at >= COALESCE(p.span_from, ?::timestamptz, '-infinity')"
                + " AND a.started_at < COALESCE(p.span_to, ?::timestamptz, 'infinity')"
                + " AND NOT EXISTS (SELECT 1 FROM "
                + t.staging()
                + " n WHERE "
                + t.keyMatch("n", "a")
                + ")),"
                + " removed AS (DELETE FROM alert_history d USING stale"
                + " WHERE d.alert_id = stale.alert_id AND NOT stale.worked_on RETURNING 1),"
                + " flagged AS (UPDATE alert_history f SET superseded = true FROM stale"
                + " WHERE f.alert_id = stale.alert_id AND stale.worked_on AND NOT f.superseded"
                + " RETURNING 1)"
                + " SELECT (SELECT count(*) FROM removed), (SELECT count(*) FROM flagged)")) {
      ps.setObject(1, utc(b.episodes().defaultFrom()), Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setObject(2, utc(b.episodes().defaultTo()), Types.TIMESTAMP_WITH_TIMEZONE);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        removed = rs.getLong(1) + rs.getLong(2);
        if (rs.getLong(2) > 0) {
          log.warn(
              "  alert_history: {} episodes no longer in gold were kept as superseded because"
                  + " operators worked on them",
              rs.getLong(2));
        }
      }
    }
    return done(conn, t, new TableCounts(t.name(), staged, u.inserted(), u.updated(), removed), t0);
  }

  private static OffsetDateTime utc(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      if (!c.isClosed()) {
        c.rollback();
      }
    } catch (SQLException ignored) {
      // the connection is gone: the server has rolled the transaction back already
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing left to release
    }
  }
}
