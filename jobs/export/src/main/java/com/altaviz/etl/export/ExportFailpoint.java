package com.altaviz.etl.export;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.ExitCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Test hook for the atomicity tests: {@code ALTAVIZ_EXPORT_FAIL_AFTER=<table>} makes the export
 * fail right after it wrote {@code <table>} inside its transaction; {@code <table>:kill} makes the
 * server terminate the export's own connection at that point instead (a real connection loss).
 * Unset in production: {@link #NONE}.
 */
public record ExportFailpoint(String table, boolean killConnection) {
  public static final String ENV = "ALTAVIZ_EXPORT_FAIL_AFTER";
  public static final ExportFailpoint NONE = new ExportFailpoint(null, false);

  public static ExportFailpoint parse(String value) {
    if (value == null || value.isBlank()) {
      return NONE;
    }
    String[] parts = value.trim().split(":", 2);
    boolean kill = parts.length == 2 && parts[1].equals("kill");
    if (ExportTables.byName(parts[0]) == null || (parts.length == 2 && !kill)) {
      throw EtlException.usage(
          ENV + "='" + value + "' must be <table> or <table>:kill with a table the export writes");
    }
    return new ExportFailpoint(parts[0], kill);
  }

  public boolean isSet() {
    return table != null;
  }

  void after(PgTable written, Connection conn) throws SQLException {
    if (!written.name().equals(table)) {
      return;
    }
    if (killConnection) {
      try (Statement s = conn.createStatement()) {
        s.execute("SELECT pg_terminate_backend(pg_backend_pid())");
      }
    }
    throw new EtlException(
        ExitCode.FAILURE, ENV + ": forced failure after writing " + table + " (test hook)");
  }
}
