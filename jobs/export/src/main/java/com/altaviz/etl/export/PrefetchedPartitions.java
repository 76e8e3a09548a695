package com.altaviz.etl.export;

import com.altaviz.etl.common.Background;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;

/**
 * A Dataset's elements on the driver one partition at a time, like {@link Dataset#toLocalIterator},
 * but Spark computes the next partition on a second driver thread while the caller consumes the
 * current one: the export's COPY into PostgreSQL and Spark's aggregation of the next rows overlap
 * instead of taking turns. At most two partitions are held on the driver. {@link #close} cancels a
 * fetch still running (the caller failed), so Spark stops with no job in flight.
 */
final class PrefetchedPartitions<T> implements Iterator<T>, AutoCloseable {
  private final SparkSession spark;
  private final JavaRDD<T> rdd;
  private final int partitions;
  private int requested;
  private Background<List<T>> next;
  private Iterator<T> current = Collections.emptyIterator();

  PrefetchedPartitions(Dataset<T> rows) {
    this.spark = rows.sparkSession();
    this.rdd = rows.javaRDD();
    this.partitions = rdd.getNumPartitions();
    request();
  }

  private void request() {
    if (requested == partitions) {
      next = null;
      return;
    }
    int[] p = {requested++};
    next = Background.start(spark, "export-prefetch", () -> rdd.collectPartitions(p)[0]);
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext()) {
      if (next == null) {
        return false;
      }
      List<T> part;
      try (Background<List<T>> fetched = next) {
        part = fetched.get();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e.getMessage(), e); // SparkException is checked
      }
      request();
      current = part.iterator();
    }
    return true;
  }

  @Override
  public T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }

  @Override
  public void close() {
    if (next != null) {
      next.close();
    }
  }
}
