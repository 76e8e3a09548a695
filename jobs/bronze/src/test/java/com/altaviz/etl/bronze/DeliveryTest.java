package com.altaviz.etl.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When a listed raw file counts as already ingested. */
class DeliveryTest {
  static final LocalDate DAY = LocalDate.parse("2024-02-01");
  static final List<Delivery> INGESTED =
      List.of(new Delivery("file:/raw/date=2024-02-01/p.parquet", 100, 5000, "aa"));

  static boolean ingested(RawFile f, String hash, AtomicInteger hashed) {
    return Delivery.alreadyIngested(
        f,
        INGESTED,
        () -> {
          hashed.incrementAndGet();
          return hash;
        });
  }

  @Test
  void samePathSizeAndTimeIsSkippedWithoutHashing() {
    AtomicInteger hashed = new AtomicInteger();
    assertThat(
            ingested(
                new RawFile("file:/raw/date=2024-02-01/p.parquet", 100, 5000, DAY), "zz", hashed))
        .isTrue();
    assertThat(hashed).hasValue(0);
  }

  @Test
  void aNewTimeIsDecidedByTheContentHash() {
    AtomicInteger hashed = new AtomicInteger();
    RawFile touched = new RawFile("file:/raw/date=2024-02-01/p.parquet", 100, 9000, DAY);
    assertThat(ingested(touched, "aa", hashed)).isTrue();
    assertThat(ingested(touched, "bb", hashed)).isFalse();
    assertThat(hashed).hasValue(2);
  }

  @Test
  void anotherSizeOrPathIsANewDeliveryWithoutHashing() {
    AtomicInteger hashed = new AtomicInteger();
    assertThat(
            ingested(
                new RawFile("file:/raw/date=2024-02-01/p.parquet", 101, 5000, DAY), "aa", hashed))
        .isFalse();
    assertThat(
            ingested(
                new RawFile("file:/raw/date=2024-02-01/q.parquet", 100, 5000, DAY), "aa", hashed))
        .isFalse();
    assertThat(hashed).hasValue(0);
  }
}
