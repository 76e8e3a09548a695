package com.altaviz.etl.export;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A scratch database {@code altaviz_test_<random>} on the real PostgreSQL server the tests use
 * (ALTAVIZ_PG_* or the local scripts/pg.sh server on 127.0.0.1:55432), dropped on close, so tests
 * never touch the demo database or each other.
 */
public final class PgTestDatabase implements AutoCloseable {
  private final PgSettings server;
  private final String name;

  private PgTestDatabase(PgSettings server, String name) {
    this.server = server;
    this.name = name;
  }

  /** Connection environment of the test server (defaults: scripts/pg.sh's local cluster). */
  public static Map<String, String> serverEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("ALTAVIZ_PG_HOST", System.getenv().getOrDefault("ALTAVIZ_PG_HOST", "127.0.0.1"));
    // same port rule as scripts/pg.sh: an explicit server port, else the local cluster's
    String localPort = System.getenv().getOrDefault("ALTAVIZ_PG_LOCAL_PORT", "55432");
    env.put("ALTAVIZ_PG_PORT", System.getenv().getOrDefault("ALTAVIZ_PG_PORT", localPort));
    env.put("ALTAVIZ_PG_USER", System.getenv().getOrDefault("ALTAVIZ_PG_USER", "postgres"));
    String password = System.getenv("ALTAVIZ_PG_PASSWORD");
    if (password != null) {
      env.put("ALTAVIZ_PG_PASSWORD", password);
    }
    env.put("ALTAVIZ_PG_DB", "postgres");
    return env;
  }

  public static PgTestDatabase create() {
    PgSettings admin = PgSettings.fromEnvironment(serverEnv());
    String name = "altaviz_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = PgConnections.open(admin);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database on " + admin, e);
    }
    return new PgTestDatabase(admin, name);
  }

  public String name() {
    return name;
  }

  public PgSettings settings() {
    return server.withDatabase(name);
  }

  /** Environment for {@code new ExportJob(env)} pointing at this database. */
  public Map<String, String> env() {
    Map<String, String> env = serverEnv();
    env.put("ALTAVIZ_PG_DB", name);
    return env;
  }

  public void execute(String sql) {
    try (Connection c = PgConnections.open(settings());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /**
   * Rows of {@code sql} as "v1|v2|…" strings (PostgreSQL's text form, time zone UTC; null as "∅").
   */
  public List<String> rows(String sql) {
    try (Connection c = PgConnections.open(settings());
        Statement s = c.createStatement()) {
      s.execute("SET TIME ZONE 'UTC'");
      return rows(s.executeQuery(sql));
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static List<String> rows(ResultSet rs) throws SQLException {
    try (rs) {
      ResultSetMetaData md = rs.getMetaData();
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          if (i > 1) {
            b.append('|');
          }
          String v = rs.getString(i);
          b.append(v == null ? "∅" : v);
        }
        out.add(b.toString());
      }
      return out;
    }
  }

  public long count(String table) {
    return Long.parseLong(rows("SELECT count(*) FROM " + table).get(0));
  }

  /**
   * Every row of every export table, in natural-key order, as text: what "identical table contents"
   * compares.
   */
  public Map<String, List<String>> dump() {
    Map<String, List<String>> d = new LinkedHashMap<>();
    for (PgTable t : ExportTables.ALL) {
      d.put(
          t.name(), rows("SELECT * FROM " + t.name() + " ORDER BY " + String.join(", ", t.key())));
    }
    d.put("pipeline_notifications", rows("SELECT * FROM pipeline_notifications ORDER BY id"));
    return d;
  }

  @Override
  public void close() {
    try (Connection c = PgConnections.open(server);
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot drop test database " + name, e);
    }
  }
}
