package com.altaviz.etl.export;

import com.altaviz.etl.common.EtlException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateOutput;
import org.flywaydb.core.api.output.ValidateResult;

/**
 * Applies the migrations of {@code sql/} (packaged into the jar as {@code db/migration}) with
 * Flyway. Against an up-to-date database it applies nothing.
 */
public final class SchemaMigrator {
  /** Schema version after the run and how many migrations this run applied. */
  public record Result(String version, int applied) {
    @Override
    public String toString() {
      return "schema at version "
          + version
          + " ("
          + applied
          + " migration"
          + (applied == 1 ? "" : "s")
          + " applied)";
    }
  }

  private SchemaMigrator() {}

  /**
   * Checksums that V1 and V2 had before their comments were reworded (sql/README.md, "Reworded
   * comments"): a database migrated by an earlier jar has these in its history. Only these exact
   * values are realigned; any other difference stays a validation error.
   */
  static final Map<String, Integer> REWORDED_COMMENTS = Map.of("1", -1312748826, "2", -1595613286);

  public static Result migrate(PgSettings pg) {
    // A plain connection first: an unreachable server then fails with our one-line message
    // rather than Flyway's multi-line one.
    try (Connection c = PgConnections.open(pg)) {
      c.isValid(5);
    } catch (SQLException e) {
      throw PgConnections.translate(pg, e, "connect to");
    }
    Flyway flyway =
        Flyway.configure(SchemaMigrator.class.getClassLoader())
            .dataSource(pg.dataSource())
            .locations("classpath:db/migration")
            // a jar without its migrations must fail loudly, not report "0 applied"
            .failOnMissingLocations(true)
            .validateMigrationNaming(true)
            // our SQL has no ${...} placeholders; never rewrite it
            .placeholderReplacement(false)
            // The DAG's failure callback may have created pipeline_notifications before the
            // first export (V1 adopts it): a schema that is not empty yet has no history then
            // starts from version 0, and V1, V2, … still apply.
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load();
    try {
      acceptRewordedComments(flyway);
      MigrateResult r = flyway.migrate();
      MigrationInfo current = flyway.info().current();
      String version = current == null ? "none" : current.getVersion().getVersion();
      return new Result(version, r.migrationsExecuted);
    } catch (FlywayValidateException e) {
      // e.g. an applied migration was edited: the operator must reconcile, a retry cannot
      throw EtlException.badInput(
          "the schema history of "
              + pg
              + " does not match the migrations in this jar: "
              + e.getMessage()
                  .lines()
                  .map(String::strip)
                  .filter(l -> !l.isEmpty())
                  .reduce((a, b) -> a + " " + b)
                  .orElse(""),
          e);
    } catch (FlywayException e) {
      EtlException conn = PgConnections.connectionFailure(pg, e, "migrate");
      if (conn != null) {
        throw conn;
      }
      SQLException denied = insufficientPrivilege(e);
      if (denied != null) {
        // a writer login on a database whose pending migrations only its owner may apply: a
        // retry cannot help, the owner must migrate once (sql/README.md, Roles)
        throw EtlException.badInput(
            "user "
                + pg.user()
                + " may not migrate "
                + pg
                + " ("
                + denied.getMessage().lines().findFirst().orElse("")
                + "): run 'altaviz-export migrate' once as the database owner",
            e);
      }
      throw e;
    }
  }

  /**
   * Realigns the history's checksums (Flyway's repair) when the only validation errors are V1/V2
   * carrying their pre-rewording checksum; otherwise leaves everything to migrate's validation.
   */
  private static void acceptRewordedComments(Flyway flyway) {
    ValidateResult v = flyway.validateWithResult();
    if (v.validationSuccessful || v.invalidMigrations.isEmpty()) {
      return;
    }
    Map<String, Integer> applied = new HashMap<>();
    for (MigrationInfo i : flyway.info().applied()) {
      if (i.getVersion() != null && i.getChecksum() != null) {
        applied.put(i.getVersion().getVersion(), i.getChecksum());
      }
    }
    for (ValidateOutput o : v.invalidMigrations) {
      Integer old = REWORDED_COMMENTS.get(o.version);
      if (old == null || !old.equals(applied.get(o.version))) {
        return;
      }
    }
    flyway.repair();
  }

  private static SQLException insufficientPrivilege(Throwable e) {
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof SQLException sql && "42501".equals(sql.getSQLState())) {
        return sql;
      }
    }
    return null;
  }
}
