package com.altaviz.etl.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.logging.log4j.LogManager;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Named crash points for the crash-consistency tests: every point of a stage where a crash leaves a
 * state a retry must converge from (a commit done, the next not yet). A test sets {@code
 * ALTAVIZ_FAILPOINT=<name>[:halt|:block]} (or the JVM property {@code altaviz.failpoint}; never a
 * command-line option) and the stage stops when it reaches that point: {@code halt} (the default)
 * ends the JVM at once with exit 137, the in-process equivalent of SIGKILL; {@code block} prints
 * {@code FAILPOINT <name> reached} to stderr and waits forever, so the test can SIGKILL the real
 * process group exactly there. Unset in production, where {@link #reach} costs one property and one
 * environment lookup.
 *
 * <p>Each constant says what a crash there leaves. Points run in this order within a stage.
 */
public enum Failpoint {
  /** A data file of the readings append in bronze/sensor_readings, not committed. */
  BRONZE_DURING_READINGS_WRITE("bronze.during-readings-write"),
  /** Readings appended (bronze/sensor_readings committed); dimension tables and ledger not. */
  BRONZE_AFTER_READINGS_COMMIT("bronze.after-readings-commit"),
  /** Readings appended; dimension tables replaced where their CSV changed; no ledger row. */
  BRONZE_AFTER_DIMENSIONS_COMMIT("bronze.after-dimensions-commit"),
  /** The ledger's bronze success row committed; the process has not exited 0 yet. */
  BRONZE_AFTER_LEDGER_COMMIT("bronze.after-ledger-commit"),
  /** silver/quarantine replaced for the range; silver, metrics and ledger not written. */
  SILVER_AFTER_QUARANTINE_COMMIT("silver.after-quarantine-commit"),
  /** Quarantine committed; a data file of the silver write in its table, not committed. */
  SILVER_DURING_SILVER_WRITE("silver.during-silver-write"),
  /** Quarantine and silver/sensor_readings committed; ops/quality_metrics and ledger not. */
  SILVER_AFTER_SILVER_COMMIT("silver.after-silver-commit"),
  /** Quarantine, silver and ops/quality_metrics committed; no ledger row. */
  SILVER_AFTER_METRICS_COMMIT("silver.after-metrics-commit"),
  /** The ledger's silver success row committed; the process has not exited 0 yet. */
  SILVER_AFTER_LEDGER_COMMIT("silver.after-ledger-commit"),
  /** A data file of the gold write in gold/sensor_features, not committed. */
  GOLD_DURING_WRITE("gold.during-write"),
  /** gold/sensor_features committed; no ledger row. */
  GOLD_AFTER_COMMIT("gold.after-commit"),
  /** The ledger's gold success row committed; the process has not exited 0 yet. */
  GOLD_AFTER_LEDGER_COMMIT("gold.after-ledger-commit"),
  /** Every PostgreSQL table written inside the open transaction, COMMIT not sent. */
  EXPORT_INSIDE_TRANSACTION("export.inside-transaction"),
  /** PostgreSQL committed; the ledger has no export row. */
  EXPORT_AFTER_PG_COMMIT("export.after-pg-commit"),
  /** The ledger's export success row committed; the process has not exited 0 yet. */
  EXPORT_AFTER_LEDGER_COMMIT("export.after-ledger-commit");

  public static final String ENV = "ALTAVIZ_FAILPOINT";
  public static final String PROPERTY = "altaviz.failpoint";

  /** The exit status of a process killed by SIGKILL (128 + 9), which {@code halt} imitates. */
  public static final int HALT_STATUS = 137;

  /** How a stage stops at its failpoint. */
  public enum Mode {
    HALT,
    BLOCK;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The configured failpoint and how to stop there. */
  public record Setting(Failpoint point, Mode mode) {}

  private static final AtomicBoolean STOPPING = new AtomicBoolean();
  private final String pointName;

  Failpoint(String pointName) {
    this.pointName = pointName;
  }

  /** The name a test sets, e.g. {@code silver.after-quarantine-commit}. */
  public String pointName() {
    return pointName;
  }

  /** The stage the point belongs to: bronze, silver, gold, export. */
  public String stage() {
    return pointName.substring(0, pointName.indexOf('.'));
  }

  /** Stops the process here if this is the configured failpoint; else returns at once. */
  public void reach() {
    configured().filter(s -> s.point() == this).ifPresent(s -> stop(s.mode()));
  }

  /**
   * {@code rows} as they are, unless this failpoint is set: then the first task of the write that
   * finishes stops there (its completion listener runs after it wrote its data file into the table
   * and before the driver, waiting for every task, can commit): a crash in the middle of a Delta
   * write. Local mode only, as the tests run it.
   */
  public Dataset<Row> duringWrite(Dataset<Row> rows) {
    if (configured().filter(s -> s.point() == this).isEmpty()) {
      return rows;
    }
    Failpoint point = this;
    return rows.mapPartitions(
        (MapPartitionsFunction<Row, Row>)
            it -> {
              TaskContext.get()
                  .addTaskCompletionListener((TaskCompletionListener) task -> point.reach());
              return it;
            },
        Encoders.row(rows.schema()));
  }

  /** {@code <stage>.after-ledger-commit}: reached by {@link StageJob} for every stage. */
  static void reachAfterLedgerCommit(String stage) {
    byName(stage + ".after-ledger-commit").ifPresent(Failpoint::reach);
  }

  /**
   * The failpoint set for this process, from {@code -Daltaviz.failpoint} or else {@code
   * ALTAVIZ_FAILPOINT}; empty when neither is set. A value naming no failpoint or mode is a usage
   * error (exit 2).
   */
  public static Optional<Setting> configured() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return Optional.of(parse("-D" + PROPERTY, property));
    }
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? Optional.empty() : Optional.of(parse(ENV, env));
  }

  /** {@code <name>[:halt|:block]}; {@code source} names the setting in the error message. */
  static Setting parse(String source, String value) {
    String v = value.strip();
    int colon = v.indexOf(':');
    String name = colon < 0 ? v : v.substring(0, colon);
    Failpoint point =
        byName(name)
            .orElseThrow(
                () ->
                    EtlException.usage(
                        source
                            + "='"
                            + value
                            + "': unknown failpoint '"
                            + name
                            + "'; valid: "
                            + Arrays.stream(values())
                                .map(Failpoint::pointName)
                                .collect(Collectors.joining(", "))
                            + " (each optionally :halt or :block)"));
    if (colon < 0) {
      return new Setting(point, Mode.HALT);
    }
    String mode = v.substring(colon + 1);
    return Arrays.stream(Mode.values())
        .filter(m -> m.label().equals(mode))
        .findFirst()
        .map(m -> new Setting(point, m))
        .orElseThrow(
            () ->
                EtlException.usage(
                    source
                        + "='"
                        + value
                        + "': unknown failpoint mode '"
                        + mode
                        + "'; valid: halt, block"));
  }

  static Optional<Failpoint> byName(String name) {
    return Arrays.stream(values()).filter(p -> p.pointName.equals(name)).findFirst();
  }

  private void stop(Mode mode) {
    if (!STOPPING.compareAndSet(false, true)) {
      blockForever(); // another task of the same write got here first: it halts or blocks
    }
    if (mode == Mode.HALT) {
      flushLogs();
    }
    System.out.flush();
    System.err.println("FAILPOINT " + pointName + " reached");
    System.err.flush();
    if (mode == Mode.BLOCK) {
      blockForever();
    }
    Runtime.getRuntime().halt(HALT_STATUS);
  }

  @SuppressWarnings("InfiniteLoopStatement")
  private static void blockForever() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // a failpoint holds the thread until the test kills the process; nothing else ends it
      }
    }
  }

  /** Log4j 2 (Spark's logging backend) flushes and closes its appenders; none other is used. */
  private static void flushLogs() {
    try {
      LogManager.shutdown();
    } catch (LinkageError | RuntimeException e) {
      // no Log4j 2 on the class path, or it failed: halting matters more than the last lines
    }
  }
}
