package com.altaviz.etl.export;

import com.altaviz.etl.common.EtlException;
import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateResult;

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

  private static SQLException insufficientPrivilege(Throwable e) {
    for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof SQLException sql && "42501".equals(sql.getSQLState())) {
        return sql;
      }
    }
    return null;
  }
}
