package com.altaviz.etl.common;

import io.delta.exceptions.DeltaConcurrentModificationException;
import java.io.PrintWriter;
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
        err.println(name + ": error: another run committed to the same Delta table first ("
            + conflict.getClass().getSimpleName() + "); nothing was written by this run, retry");
        err.flush();
        return ExitCode.FAILURE;
      }
      // Unexpected: keep the trace (it is a bug or an infrastructure fault) but end with a
      // one-line reason so the Airflow log tail says what happened.
      ex.printStackTrace(err);
      err.println(name + ": error: " + oneLine(String.valueOf(rootCause(ex))));
      err.flush();
      return ExitCode.FAILURE;
    };
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
