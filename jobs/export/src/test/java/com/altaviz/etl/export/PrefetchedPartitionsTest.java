package com.altaviz.etl.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.altaviz.etl.common.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;

class PrefetchedPartitionsTest extends SparkTestBase {
  @Test
  void yieldsEveryElementPartitionByPartitionLikeToLocalIterator() {
    Dataset<Long> ds = spark.range(0, 1_000).as(Encoders.LONG()).repartition(5);
    List<Long> expected = ds.collectAsList(); // partition order, as toLocalIterator
    List<Long> got = new ArrayList<>();
    try (var it = new PrefetchedPartitions<>(ds)) {
      it.forEachRemaining(got::add);
      assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }
    assertThat(got).hasSize(1_000).isEqualTo(expected);
  }

  @Test
  void emptyPartitionsAndAnEmptyDatasetYieldNothing() {
    Dataset<Long> ds = spark.range(0, 3).as(Encoders.LONG()).repartition(6);
    List<Long> got = new ArrayList<>();
    try (var it = new PrefetchedPartitions<>(ds)) {
      it.forEachRemaining(got::add);
    }
    assertThat(got).containsExactlyInAnyOrder(0L, 1L, 2L);
    try (var it = new PrefetchedPartitions<>(ds.limit(0))) {
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void aFailingPartitionFailsTheIteratorWithSparksError() {
    Dataset<Long> ds =
        spark
            .range(0, 10)
            .as(Encoders.LONG())
            .repartition(2)
            .mapPartitions(
                (MapPartitionsFunction<Long, Long>)
                    rows -> {
                      throw new IllegalArgumentException("bad partition");
                    },
                Encoders.LONG());
    try (var it = new PrefetchedPartitions<>(ds)) {
      assertThatThrownBy(it::hasNext).hasStackTraceContaining("bad partition");
    }
  }
}
