package com.altaviz.etl.export;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Bulk-loads one table's rows by {@code COPY … (FORMAT csv)} in the {@link CopyEncoder}'s columns:
 * into a temporary staging table to upsert from, or straight into a target. Rows built on the
 * driver are encoded here; the aggregates arrive as CSV chunks Spark tasks encoded with the same
 * encoder.
 */
final class TableLoader {
  /** Rows written to the target: inserted (new key) and updated (changed values). */
  record Upserted(long inserted, long updated) {}

  private static final int FLUSH_CHARS = 1 << 16;

  private final Connection conn;
  private final PgTable table;
  private final CopyEncoder encoder;

  TableLoader(Connection conn, PgTable table, CopyEncoder encoder) {
    this.conn = conn;
    this.table = table;
    this.encoder = encoder;
  }

  /** Creates the staging table and streams {@code rows} into it; returns the row count. */
  long stage(Iterator<Object[]> rows) throws SQLException {
    createStaging();
    long n = copyInto(rows, table.staging());
    analyze();
    return n;
  }

  /**
   * Creates the staging table and streams CSV chunks (whole lines of {@link #encoder}) into it;
   * returns the row count.
   */
  long stageChunks(Iterator<byte[]> chunks) throws SQLException {
    createStaging();
    long n = copyChunks(chunks, table.staging());
    analyze();
    return n;
  }

  private void createStaging() throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(table.createStaging());
    }
  }

  private void analyze() throws SQLException {
    try (Statement s = conn.createStatement()) {
      // temp tables are never auto-analyzed; the upsert and the anti-joins need row estimates
      s.execute("ANALYZE " + table.staging());
    }
  }

  /** Streams CSV chunks straight into {@code target}; returns the row count. */
  long copyChunks(Iterator<byte[]> chunks, String target) throws SQLException {
    CopyIn copy =
        conn.unwrap(PGConnection.class).getCopyAPI().copyIn(encoder.copyStatement(target));
    try {
      while (chunks.hasNext()) {
        byte[] c = chunks.next();
        copy.writeToCopy(c, 0, c.length);
      }
      return copy.endCopy();
    } finally {
      cancelIfActive(copy);
    }
  }

  /** COPY {@code rows} (in the table's schema order) into {@code target}; returns the count. */
  long copyInto(Iterator<Object[]> rows, String target) throws SQLException {
    CopyIn copy =
        conn.unwrap(PGConnection.class).getCopyAPI().copyIn(encoder.copyStatement(target));
    long n = 0;
    try {
      StringBuilder buf = new StringBuilder(FLUSH_CHARS + 1024);
      while (rows.hasNext()) {
        encoder.appendLine(buf, rows.next());
        n++;
        if (buf.length() >= FLUSH_CHARS) {
          write(copy, buf);
        }
      }
      write(copy, buf);
      copy.endCopy();
    } finally {
      cancelIfActive(copy);
    }
    return n;
  }

  private static void write(CopyIn copy, StringBuilder buf) throws SQLException {
    byte[] b = buf.toString().getBytes(StandardCharsets.UTF_8);
    copy.writeToCopy(b, 0, b.length);
    buf.setLength(0);
  }

  private static void cancelIfActive(CopyIn copy) {
    if (copy.isActive()) {
      try {
        copy.cancelCopy();
      } catch (SQLException ignored) {
        // the transaction fails anyway; the original error is the one to report
      }
    }
  }

  Upserted upsert() throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(table.upsert())) {
      rs.next();
      return new Upserted(rs.getLong(1), rs.getLong(2));
    }
  }
}
