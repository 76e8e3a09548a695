package com.altaviz.etl.common;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Operator-facing log of a stage run: banner, numbered steps with timings, one summary line. */
public final class StageLog {
  private static final String RULE = "=".repeat(80);
  private final Logger log;
  private final AtomicInteger step = new AtomicInteger(); // steps may run on two driver threads

  public StageLog(String stage) {
    this.log = LoggerFactory.getLogger("altaviz." + stage);
  }

  public void banner(String title) {
    log.info(RULE);
    log.info(title);
    log.info(RULE);
  }

  public void info(String format, Object... args) {
    log.info(format, args);
  }

  public void warn(String format, Object... args) {
    log.warn(format, args);
  }

  public void error(String format, Object... args) {
    log.error(format, args);
  }

  /** Runs one numbered step and logs its wall time. */
  public <T> T step(String name, Callable<T> body) throws Exception {
    int n = step.incrementAndGet();
    log.info("Step {}: {}...", n, name);
    long t0 = System.nanoTime();
    T result = body.call();
    log.info("Step {}: {} done [{}]", n, name, seconds(System.nanoTime() - t0));
    return result;
  }

  public static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
