package com.altaviz.etl.export;

import com.altaviz.etl.common.EtlException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where the export connects: environment variables {@code ALTAVIZ_PG_HOST/PORT/DB/USER/PASSWORD},
 * optionally on top of a properties file named by {@code ALTAVIZ_PG_PROPERTIES} (keys host, port,
 * database, user, password; any other key is passed to the JDBC driver, e.g. sslmode). The password
 * may instead be the content of a file named by {@code ALTAVIZ_PG_PASSWORD_FILE} (one line; a
 * mounted Kubernetes or YARN secret), so that only the file's path needs to travel to a cluster
 * driver. The password never comes from the command line and is never part of {@link #toString}.
 */
public final class PgSettings {
  public static final String PROPERTIES_ENV = "ALTAVIZ_PG_PROPERTIES";
  public static final String PASSWORD_FILE_ENV = "ALTAVIZ_PG_PASSWORD_FILE";

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final Map<String, String> driverProperties;

  PgSettings(
      String host,
      int port,
      String database,
      String user,
      String password,
      Map<String, String> driverProperties) {
    this.host = host;
    this.port = port;
    this.database = database;
    this.user = user;
    this.password = password;
    this.driverProperties = Map.copyOf(driverProperties);
  }

  /** Settings from {@code env} (normally {@code System.getenv()}); environment wins over file. */
  public static PgSettings fromEnvironment(Map<String, String> env) {
    Map<String, String> values = new TreeMap<>();
    String file = blankToNull(env.get(PROPERTIES_ENV));
    if (file != null) {
      values.putAll(readProperties(Path.of(file)));
    }
    putIfSet(values, "host", env.get("ALTAVIZ_PG_HOST"));
    putIfSet(values, "port", env.get("ALTAVIZ_PG_PORT"));
    putIfSet(values, "database", env.get("ALTAVIZ_PG_DB"));
    putIfSet(values, "user", env.get("ALTAVIZ_PG_USER"));
    putIfSet(values, "password", env.get("ALTAVIZ_PG_PASSWORD"));
    String passwordFile = blankToNull(env.get(PASSWORD_FILE_ENV));
    if (passwordFile != null) {
      if (blankToNull(env.get("ALTAVIZ_PG_PASSWORD")) != null) {
        throw EtlException.usage(
            "both ALTAVIZ_PG_PASSWORD and " + PASSWORD_FILE_ENV + " are set; set one of them");
      }
      values.put("password", readPassword(Path.of(passwordFile)));
    }

    String host = values.getOrDefault("host", "localhost");
    String portText = values.getOrDefault("port", "5432");
    int port;
    try {
      port = Integer.parseInt(portText.trim());
    } catch (NumberFormatException e) {
      throw EtlException.usage(
          "PostgreSQL port '" + portText + "' is not a number (ALTAVIZ_PG_PORT)");
    }
    if (port < 1 || port > 65535) {
      throw EtlException.usage("PostgreSQL port " + port + " is out of range (ALTAVIZ_PG_PORT)");
    }
    Map<String, String> driver = new TreeMap<>(values);
    for (String k : new String[] {"host", "port", "database", "user", "password"}) {
      driver.remove(k);
    }
    return new PgSettings(
        host,
        port,
        values.getOrDefault("database", "compressor_health"),
        values.getOrDefault("user", "postgres"),
        values.get("password"),
        driver);
  }

  /** The first line of {@code path}, without its line end; the file must hold a password. */
  private static String readPassword(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw EtlException.usage(PASSWORD_FILE_ENV + " names " + path + ", which does not exist");
    } catch (IOException e) {
      throw EtlException.usage("cannot read " + PASSWORD_FILE_ENV + " file " + path + ": " + e);
    }
    String password = text.lines().findFirst().orElse("");
    if (password.isEmpty()) {
      throw EtlException.usage(PASSWORD_FILE_ENV + " file " + path + " is empty");
    }
    return password;
  }

  private static Map<String, String> readProperties(Path path) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw EtlException.usage(PROPERTIES_ENV + " names " + path + ", which does not exist");
    } catch (IOException e) {
      throw EtlException.usage("cannot read " + PROPERTIES_ENV + " file " + path + ": " + e);
    }
    Map<String, String> m = new TreeMap<>();
    for (String name : p.stringPropertyNames()) {
      String key = name.trim();
      m.put("db".equals(key) ? "database" : key, p.getProperty(name).trim());
    }
    return m;
  }

  private static void putIfSet(Map<String, String> m, String key, String value) {
    String v = blankToNull(value);
    if (v != null) {
      m.put(key, v);
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public String database() {
    return database;
  }

  public String user() {
    return user;
  }

  /** {@code host:port}, how error messages name the server. */
  public String hostPort() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  /** The same settings for another database on the same server (tests, admin connections). */
  public PgSettings withDatabase(String otherDatabase) {
    return new PgSettings(host, port, otherDatabase, user, password, driverProperties);
  }

  /** A DataSource for this server; it avoids building URLs that could carry the password. */
  public PGSimpleDataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {host});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName(database);
    ds.setUser(user);
    if (password != null) {
      ds.setPassword(password);
    }
    ds.setApplicationName("altaviz-export");
    // Fail fast when the server is down instead of waiting for the OS TCP timeout.
    ds.setConnectTimeout(10);
    ds.setTcpKeepAlive(true);
    for (var e : driverProperties.entrySet()) {
      try {
        ds.setProperty(e.getKey(), e.getValue());
      } catch (SQLException ex) {
        throw EtlException.usage(
            "unknown PostgreSQL driver property '" + e.getKey() + "' in " + PROPERTIES_ENV);
      }
    }
    return ds;
  }

  /** {@code user@host:port/database}: safe to log (never the password). */
  @Override
  public String toString() {
    return user + "@" + hostPort() + "/" + database;
  }
}
