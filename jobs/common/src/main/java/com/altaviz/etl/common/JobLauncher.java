package com.altaviz.etl.common;

import io.delta.exceptions.DeltaConcurrentModificationException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;

/**
 * The one place where exceptions become exit codes (README.md lists them). {@code main} methods are
 * {@code System.exit(JobLauncher.run(new XJob(), args))}; tests call {@link #run} directly.
 */
public final class JobLauncher {
  private JobLauncher() {}

  public static int run(Object command, String... args) {
    CommandLine cl = new CommandLine(command);
    cl.setExecutionExceptionHandler(executionHandler());
    cl.setParameterExceptionHandler(parameterHandler());
    return cl.execute(args);
  }

  public static void main(Object command, String... args) {
    System.exit(run(command, args));
  }

  private static IExecutionExceptionHandler executionHandler() {
    return (ex, cl, parsed) -> {
      PrintWriter err = cl.getErr();
      String name = cl.getCommandName();
      EtlException etl = findEtl(ex);
      if (etl != null) {
        err.println(name + ": error: " + oneLine(etl.getMessage()));
        err.flush();
        return etl.exitCode();
      }
      Throwable conflict = find(ex, DeltaConcurrentModificationException.class);
      if (conflict != null) {
        // Expected when two runs write one table at once; Delta aborted ours before it
        // committed, so the operator needs the fact and the remedy, not a trace.
        err.println(
            name
                + ": error: another run committed to the same Delta table first ("
                + conflict.getClass().getSimpleName()
                + "); nothing was written by this run, retry");
        err.flush();
        return ExitCode.FAILURE;
      }
      String storage = storageFault(ex);
      if (storage != null) {
        // A damaged table or a full disk is an operator's problem, not a bug: the fact and the
        // remedy in one line; the trace only for whoever turns DEBUG on.
        LOG.debug("{} failed on a storage fault", name, ex);
        err.println(name + ": error: " + storage);
        err.flush();
        return storage.startsWith(DISK_FULL) ? ExitCode.FAILURE : ExitCode.USAGE;
      }
      // Unexpected: keep the trace (it is a bug or an infrastructure fault) but end with a
      // one-line reason so the Airflow log tail says what happened.
      ex.printStackTrace(err);
      err.println(name + ": error: " + oneLine(String.valueOf(rootCause(ex))));
      err.flush();
      return ExitCode.FAILURE;
    };
  }

  private static final Logger LOG = LogManager.getLogger(JobLauncher.class);
  private static final String DISK_FULL = "no space left on device";
  private static final Pattern MISSING_FILE = Pattern.compile("File (\\S+) does not exist");
  private static final Pattern PARQUET_FILE = Pattern.compile("\\S+\\.parquet");
  private static final Pattern UNREADABLE =
      Pattern.compile(
          "error while reading file|Could not read footer|is not a Parquet file|"
              + "Can not read value at|FAILED_READ_FILE",
          Pattern.CASE_INSENSITIVE);

  /**
   * The one-line report of a storage fault in {@code ex}'s causes, or null: a data file a Delta
   * table references that is missing (exit 2) or does not read (exit 2), or a full disk (exit 1, a
   * retry after freeing space succeeds). A write that failed this way committed nothing.
   */
  static String storageFault(Throwable ex) {
    for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.toLowerCase(Locale.ROOT).contains(DISK_FULL)) {
        return DISK_FULL
            + " ("
            + oneLine(m)
            + "): free space on the lake's or Spark's local "
            + "disk and retry; this run committed nothing after its last completed step";
      }
    }
    for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = String.valueOf(c.getMessage());
      Matcher missing = MISSING_FILE.matcher(m);
      if (c instanceof FileNotFoundException
          && missing.find()
          && isDeltaTable(tableOf(missing.group(1)))) {
        String file = missing.group(1);
        return "data file "
            + file
            + " of Delta table "
            + tableOf(file)
            + " is missing: restore "
            + "the file from a backup, or RESTORE the table to the newest version before the one "
            + "that added it (DESCRIBE HISTORY) and re-run the stages after it; nothing written";
      }
    }
    for (Throwable c = ex; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = String.valueOf(c.getMessage());
      Matcher file = PARQUET_FILE.matcher(m);
      if (UNREADABLE.matcher(m).find() && file.find()) {
        String f = file.group();
        if (!isDeltaTable(tableOf(f))) {
          return "Parquet file "
              + f
              + " does not read ("
              + oneLine(String.valueOf(rootCause(c)))
              + "): replace or remove the file; nothing written";
        }
        return "data file "
            + f
            + " of Delta table "
            + tableOf(f)
            + " does not read ("
            + oneLine(String.valueOf(rootCause(c)))
            + "): restore the file from a backup, or "
            + "RESTORE the table to the newest version before the one that added it (DESCRIBE "
            + "HISTORY) and re-run the stages after it; nothing written";
      }
    }
    return null;
  }

  /** Whether {@code dir} holds a Delta log; false when that cannot be told. */
  private static boolean isDeltaTable(String dir) {
    try {
      Path log = new Path(dir, "_delta_log");
      return log.getFileSystem(new Configuration()).exists(log);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The table directory of a data file: its parent without the partition directories. */
  static String tableOf(String file) {
    String dir = file.substring(0, Math.max(0, file.lastIndexOf('/')));
    while (dir.substring(dir.lastIndexOf('/') + 1).contains("=")) {
      dir = dir.substring(0, dir.lastIndexOf('/'));
    }
    return dir;
  }

  private static IParameterExceptionHandler parameterHandler() {
    return (ex, args) -> {
      CommandLine cl = ex.getCommandLine();
      cl.getErr().println(cl.getCommandName() + ": error: " + oneLine(ex.getMessage()));
      cl.getErr().println("Try '" + cl.getCommandName() + " --help' for the options.");
      cl.getErr().flush();
      return ExitCode.USAGE;
    };
  }

  /** EtlExceptions may arrive wrapped by Spark or by reflection; find the first one. */
  static EtlException findEtl(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof EtlException e) {
        return e;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private static Throwable find(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      if (type.isInstance(c)) {
        return c;
      }
    }
    return null;
  }

  static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
