package com.altaviz.etl.gold;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TimeOrderTest {
  @Test
  void sortsIndicesByTimeStably() {
    SplittableRandom rnd = new SplittableRandom(3);
    long[] ts = new long[1000];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = rnd.nextLong(200); // many ties
    }
    int[] idx = IntStream.range(0, 1000).toArray();
    TimeOrder.sort(idx, 100, 900, ts, new int[1000]);
    for (int i = 0; i < 100; i++) {
      assertThat(idx[i]).isEqualTo(i);
      assertThat(idx[900 + i]).isEqualTo(900 + i);
    }
    for (int i = 101; i < 900; i++) {
      assertThat(ts[idx[i - 1]]).isLessThanOrEqualTo(ts[idx[i]]);
      if (ts[idx[i - 1]] == ts[idx[i]]) {
        assertThat(idx[i - 1]).as("stable").isLessThan(idx[i]);
      }
    }
    assertThat(IntStream.of(idx).sorted().toArray()).isEqualTo(IntStream.range(0, 1000).toArray());
  }
}
