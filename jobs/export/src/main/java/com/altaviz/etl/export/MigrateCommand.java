package com.altaviz.etl.export;

import com.altaviz.etl.common.VersionProvider;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code altaviz-export migrate}: apply the schema migrations only (no Spark work). */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Applies the PostgreSQL migrations (sql/) and exits; a no-op when up to date.")
public class MigrateCommand implements Callable<Integer> {
  @ParentCommand private ExportJob parent;
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    PgSettings pg = PgSettings.fromEnvironment(parent.environment());
    SchemaMigrator.Result r = SchemaMigrator.migrate(pg);
    spec.commandLine().getOut().println("altaviz-export migrate: " + pg + ": " + r);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
