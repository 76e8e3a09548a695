package com.altaviz.etl.common;

/** Process exit codes of every Altaviz job; Airflow and shell scripts branch on them. */
public final class ExitCode {
  public static final int OK = 0;

  /** Anything unexpected: a bug, an unreachable server, a killed executor. */
  public static final int FAILURE = 1;

  /** Bad command line, bad configuration, or unusable input files. */
  public static final int USAGE = 2;

  /** A data-quality rule or gate with action {@code fail} tripped. */
  public static final int QUALITY_GATE = 3;

  private ExitCode() {}
}
