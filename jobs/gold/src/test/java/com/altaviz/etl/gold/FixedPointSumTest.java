package com.altaviz.etl.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FixedPointSumTest {
  private static final long[] H = new long[1];
  private static final long[] L = new long[1];

  private static void add(FixedPointSum s, double x) {
    FixedPointSum.split(x, H, L, 0);
    s.add(H[0], L[0]);
  }

  private static void remove(FixedPointSum s, double x) {
    FixedPointSum.split(x, H, L, 0);
    s.subtract(H[0], L[0]);
  }

  @Test
  void representsSimpleValuesExactly() {
    FixedPointSum s = new FixedPointSum();
    add(s, 0.5);
    add(s, -1.75);
    add(s, 1024.125);
    assertThat(s.value()).isEqualTo(1022.875);
    add(s, -1022.875);
    assertThat(s.isZero()).isTrue();
    assertThat(s.value()).isEqualTo(0.0);
  }

  @Test
  void removingEveryValueInAnotherOrderReturnsExactlyToZero() {
    SplittableRandom rnd = new SplittableRandom(7);
    double[] x = new double[5000];
    FixedPointSum s = new FixedPointSum();
    BigDecimal exact = BigDecimal.ZERO;
    for (int i = 0; i < x.length; i++) {
      x[i] = (rnd.nextDouble() - 0.3) * Math.pow(10, rnd.nextInt(-3, 4));
      add(s, x[i]);
      exact = exact.add(new BigDecimal(x[i]));
    }
    // the sum is the correctly rounded exact sum, give or take one unit in the last place
    assertThat(s.value())
        .isCloseTo(
            exact.doubleValue(),
            org.assertj.core.data.Offset.offset(Math.ulp(exact.doubleValue())));
    for (int i = x.length - 1; i >= 0; i -= 2) {
      remove(s, x[i]);
    }
    for (int i = 0; i < x.length; i += 2) {
      remove(s, x[i]);
    }
    assertThat(s.isZero()).as("no drift after 10,000 exact steps").isTrue();
  }

  @Test
  void aWindowSumDependsOnlyOnItsContents() {
    // same three values reached through different histories give bit-identical sums
    FixedPointSum a = new FixedPointSum();
    add(a, 1e6 + 0.1);
    add(a, 0.2);
    add(a, 0.3);
    remove(a, 1e6 + 0.1);
    add(a, 0.7);
    FixedPointSum b = new FixedPointSum();
    add(b, 0.7);
    add(b, 0.3);
    add(b, 0.2);
    assertThat(Double.doubleToRawLongBits(a.value()))
        .isEqualTo(Double.doubleToRawLongBits(b.value()));
  }

  @Test
  void rejectsValuesOutsideTheSupportedRange() {
    assertThatThrownBy(() -> FixedPointSum.split(Double.POSITIVE_INFINITY, H, L, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside the supported range");
    assertThatThrownBy(() -> FixedPointSum.split(-2e12, H, L, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
