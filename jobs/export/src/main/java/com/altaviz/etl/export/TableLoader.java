package com.altaviz.etl.export;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Iterator;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Bulk-loads one table's rows: COPY into a temporary staging table (text CSV for the few rows built
 * on the driver, binary for the aggregates encoded on the executors), then upsert from it.
 */
final class TableLoader {
  /** Rows written to the target: inserted (new key) and updated (changed values). */
  record Upserted(long inserted, long updated) {}

  private static final int FLUSH_CHARS = 1 << 16;

  private final Connection conn;
  private final PgTable table;

  TableLoader(Connection conn, PgTable table) {
    this.conn = conn;
    this.table = table;
  }

  /** Creates the staging table and streams {@code rows} into it; returns the row count. */
  long stage(Iterator<Object[]> rows) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(table.createStaging());
    }
    long n = copyInto(rows);
    analyze();
    return n;
  }

  private void analyze() throws SQLException {
    try (Statement s = conn.createStatement()) {
      // temp tables are never auto-analyzed; the upsert and the anti-joins need row estimates
      s.execute("ANALYZE " + table.staging());
    }
  }

  /**
   * Creates the staging table and streams binary COPY tuples into it, chunk by chunk (the chunks of
   * one Spark partition at a time); returns the row count.
   */
  long stageChunks(Iterator<byte[]> chunks) throws SQLException {
    try (Statement s = conn.createStatement()) {
      s.execute(table.createStaging());
    }
    long n = copyChunks(chunks, table.staging());
    analyze();
    return n;
  }

  /** Streams binary COPY tuples straight into {@code target}; returns the row count. */
  long copyChunks(Iterator<byte[]> chunks, String target) throws SQLException {
    CopyIn copy =
        conn.unwrap(PGConnection.class)
            .getCopyAPI()
            .copyIn(
                "COPY "
                    + target
                    + " ("
                    + String.join(", ", table.columns())
                    + ") FROM STDIN (FORMAT binary)");
    try {
      copy.writeToCopy(BinaryCopy.HEADER, 0, BinaryCopy.HEADER.length);
      while (chunks.hasNext()) {
        byte[] c = chunks.next();
        copy.writeToCopy(c, 0, c.length);
      }
      copy.writeToCopy(BinaryCopy.TRAILER, 0, BinaryCopy.TRAILER.length);
      return copy.endCopy();
    } finally {
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException ignored) {
          // the transaction fails anyway; the original error is the one to report
        }
      }
    }
  }

  /** COPY {@code rows} into the (existing) staging table. */
  long copyInto(Iterator<Object[]> rows) throws SQLException {
    PGConnection pg = conn.unwrap(PGConnection.class);
    PGCopyOutputStream copy = new PGCopyOutputStream(pg, table.copy());
    long n = 0;
    try {
      Writer w = new OutputStreamWriter(copy, StandardCharsets.UTF_8);
      StringBuilder buf = new StringBuilder(FLUSH_CHARS + 1024);
      while (rows.hasNext()) {
        CopyRows.appendLine(buf, rows.next());
        n++;
        if (buf.length() >= FLUSH_CHARS) {
          w.write(buf.toString());
          buf.setLength(0);
        }
      }
      w.write(buf.toString());
      w.flush();
      copy.endCopy();
    } catch (IOException e) {
      throw asSql(e);
    } finally {
      if (copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException ignored) {
          // the transaction fails anyway; the original error is the one to report
        }
      }
    }
    return n;
  }

  Upserted upsert() throws SQLException {
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery(table.upsert())) {
      rs.next();
      return new Upserted(rs.getLong(1), rs.getLong(2));
    }
  }

  /** PGCopyOutputStream reports server errors as IOExceptions wrapping the SQLException. */
  private static SQLException asSql(IOException e) {
    if (e.getCause() instanceof SQLException sql) {
      return sql;
    }
    return new SQLException("COPY failed: " + e.getMessage(), "08006", e);
  }
}
