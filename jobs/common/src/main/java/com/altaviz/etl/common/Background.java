package com.altaviz.etl.common;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * Driver work on a second thread, overlapping the main one: small Delta reads whose snapshot
 * loading is mostly driver latency, or Spark jobs the main thread does not need yet. Its Spark jobs
 * run in their own job group, so {@link #close} can cancel them: a failed run then stops Spark with
 * no job in flight.
 */
public final class Background<T> implements AutoCloseable {
  private final SparkSession spark;
  private final String name;
  private final ExecutorService thread;
  private final CompletableFuture<T> future;

  private Background(SparkSession spark, String name, Callable<T> work) {
    this.spark = spark;
    this.name = name;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    this.future =
        CompletableFuture.supplyAsync(
            () -> {
              spark.sparkContext().setJobGroup(name, name, true);
              try {
                return work.call();
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            thread);
  }

  /** Starts {@code work} on a daemon thread named {@code name} (also its Spark job group). */
  public static <T> Background<T> start(SparkSession spark, String name, Callable<T> work) {
    return new Background<>(spark, name, work);
  }

  /** Waits for the result; a failure is rethrown as the work threw it (exit codes). */
  public T get() throws Exception {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    if (!future.isDone()) {
      spark.sparkContext().cancelJobGroup(name);
    }
    thread.shutdown();
    try {
      thread.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
