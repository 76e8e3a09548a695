package com.altaviz.etl.common;

/**
 * An expected failure with a message meant for the operator (printed as one line, no stack trace)
 * and the exit code it maps to. Anything else that escapes a job is exit code 1.
 */
public class EtlException extends RuntimeException {
  private final int exitCode;

  public EtlException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public EtlException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }

  /** Bad command-line arguments or configuration (exit 2). */
  public static EtlException usage(String message) {
    return new EtlException(ExitCode.USAGE, message);
  }

  /** A raw input file or directory that cannot be used as it is (exit 2). */
  public static EtlException badInput(String message, Throwable cause) {
    return new EtlException(ExitCode.USAGE, message, cause);
  }

  /**
   * A service the job needs (e.g. PostgreSQL) cannot be reached or dropped the connection (exit 1):
   * an infrastructure fault that a retry may fix, reported as one line without a stack trace.
   */
  public static EtlException unavailable(String message, Throwable cause) {
    return new EtlException(ExitCode.FAILURE, message, cause);
  }

  /**
   * Another run changed the table this run is about to write (exit 1): nothing was written and a
   * retry, which pins its input anew, resolves it.
   */
  public static EtlException conflict(String message) {
    return new EtlException(ExitCode.FAILURE, message);
  }

  /** A quality rule or gate with action {@code fail} tripped (exit 3). */
  public static EtlException qualityGate(String message) {
    return new EtlException(ExitCode.QUALITY_GATE, message);
  }
}
