package com.altaviz.etl.export;

import com.altaviz.etl.common.EtlException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens connections and turns connection-level failures into one-line {@link EtlException}s that
 * name the server: unreachable or dropped → exit 1 (a retry may succeed); rejected credentials or a
 * missing database → exit 2 (configuration).
 */
public final class PgConnections {
  private PgConnections() {}

  public static Connection open(PgSettings pg) {
    try {
      return pg.dataSource().getConnection();
    } catch (SQLException e) {
      throw translate(pg, e, "connect to");
    }
  }

  /**
   * The operator-facing exception for {@code e}, or {@code null} when {@code e} is not about the
   * connection (a bug or a constraint violation, which keeps its stack trace).
   */
  public static EtlException connectionFailure(PgSettings pg, Throwable e, String doing) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SQLException sql && isConnectionProblem(sql.getSQLState())) {
        return translate(pg, sql, doing);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  static EtlException translate(PgSettings pg, SQLException e, String doing) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String where =
        "PostgreSQL at "
            + pg.hostPort()
            + " (database "
            + pg.database()
            + ", user "
            + pg.user()
            + ")";
    if (state.startsWith("28")) {
      return EtlException.badInput(
          "cannot "
              + doing
              + " "
              + where
              + ": authentication failed; check ALTAVIZ_PG_USER and"
              + " ALTAVIZ_PG_PASSWORD",
          e);
    }
    if (state.equals("3D000")) {
      return EtlException.badInput(
          "cannot " + doing + " " + where + ": the database does not exist; check ALTAVIZ_PG_DB",
          e);
    }
    // Refused, timed out, dropped, server shutting down: infrastructure, worth a retry.
    return EtlException.unavailable("cannot " + doing + " " + where + ": " + reason(e), e);
  }

  /** SQLSTATE class 08 (connection exception) and 57P0x (server shut down or restarting). */
  static boolean isConnectionProblem(String state) {
    return state != null && (state.startsWith("08") || state.startsWith("57P0"));
  }

  private static String reason(SQLException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root == e ? e.getMessage() : root.getMessage();
    if (m == null || m.isBlank()) {
      m = root.getClass().getSimpleName();
    }
    // The driver's advice mentions postmaster/TCP; the host and port are already in our text.
    int cut = m.indexOf(". Check that the hostname");
    return (cut > 0 ? m.substring(0, cut) : m).replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
