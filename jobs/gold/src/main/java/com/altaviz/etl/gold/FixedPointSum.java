package com.altaviz.etl.gold;

import java.math.BigInteger;

/**
 * A running window sum kept in 128-bit two's-complement fixed point (64 integer bits, 64 fraction
 * bits), so adding and removing values is exact integer arithmetic.
 *
 * <p>Why not a floating-point running sum: after many add/remove steps a double sum drifts, and the
 * drift depends on the whole history of the window, so a day-by-day run and a seven-day run would
 * disagree in the last bits. Here a window's sum depends only on the values it holds: no drift, no
 * cancellation, bit-identical results however the history was split into runs. Values are converted
 * once with {@link #split}; bits below 2^-64 are truncated (deterministically) and magnitudes must
 * stay below {@link #MAX_ABS} so that sums of millions of values cannot overflow.
 */
public final class FixedPointSum {
  /** Largest supported magnitude (2^40 ≈ 1.1e12, far above any physical sensor range). */
  public static final double MAX_ABS = 0x1p40;

  private static final double TWO_POW_MINUS_64 = 0x1p-64;

  private long hi;
  private long lo;

  public void clear() {
    hi = 0;
    lo = 0;
  }

  /** Adds a value previously split into {@code (hi, lo)} limbs. */
  public void add(long h, long l) {
    long sum = lo + l;
    hi += h + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0);
    lo = sum;
  }

  /** Removes a value previously added with the same limbs. */
  public void subtract(long h, long l) {
    long diff = lo - l;
    hi -= h + (Long.compareUnsigned(lo, l) < 0 ? 1 : 0);
    lo = diff;
  }

  public boolean isZero() {
    return hi == 0 && lo == 0;
  }

  /** The sum exactly, as an integer in units of 2^-64. */
  public BigInteger exact() {
    return BigInteger.valueOf(hi)
        .shiftLeft(64)
        .add(BigInteger.valueOf(lo >>> 1).shiftLeft(1))
        .add(BigInteger.valueOf(lo & 1L));
  }

  /** The sum as a double (within one unit in the last place; a function of the sum only). */
  public double value() {
    return hi + unsignedToDouble(lo) * TWO_POW_MINUS_64;
  }

  /**
   * Splits {@code x} into fixed-point limbs: {@code his[i]} gets the integer part (floor) and
   * {@code los[i]} the fraction bits as an unsigned long.
   */
  public static void split(double x, long[] his, long[] los, int i) {
    if (!(Math.abs(x) < MAX_ABS)) {
      throw new IllegalArgumentException(
          "sensor value "
              + x
              + " is outside the supported range of the gold window sums (|x| < "
              + MAX_ABS
              + ")");
    }
    long bits = Double.doubleToRawLongBits(x);
    int exponent = (int) ((bits >>> 52) & 0x7ff);
    long h;
    long l;
    if (exponent == 0) {
      // zero or subnormal: below 2^-1022, nothing survives the 2^-64 resolution
      h = 0;
      l = 0;
    } else {
      long mantissa = (bits & 0xFFFFFFFFFFFFFL) | (1L << 52);
      // |x| = mantissa * 2^(exponent - 1075); the fixed-point integer is |x| * 2^64
      int shift = exponent - 1075 + 64;
      if (shift >= 64) {
        h = mantissa << (shift - 64);
        l = 0;
      } else if (shift > 0) {
        h = mantissa >>> (64 - shift);
        l = mantissa << shift;
      } else if (shift > -64) {
        h = 0;
        l = mantissa >>> -shift;
      } else {
        h = 0;
        l = 0;
      }
      if (bits < 0) {
        // two's-complement negation of the 128-bit value
        l = -l;
        h = ~h + (l == 0 ? 1 : 0);
      }
    }
    his[i] = h;
    los[i] = l;
  }

  /**
   * Splits {@code x²} into limbs, exactly but for bits below 2^-64 (the square as the rounded
   * product plus its rounding error, each split and the two added). Needs |x| below {@link
   * #MAX_SQUARED_ABS}.
   */
  public static void splitSquare(double x, long[] his, long[] los, int i) {
    double p = x * x;
    double e = Math.fma(x, x, -p);
    split(p, his, los, i);
    long h = his[i];
    long l = los[i];
    split(e, his, los, i);
    long sum = l + los[i];
    his[i] = h + his[i] + (Long.compareUnsigned(sum, l) < 0 ? 1 : 0);
    los[i] = sum;
  }

  /** Largest magnitude whose square {@link #splitSquare} takes (2^20 ≈ 1.0e6). */
  public static final double MAX_SQUARED_ABS = 0x1p20;

  private static double unsignedToDouble(long v) {
    double d = (double) (v >>> 1) * 2.0 + (v & 1L);
    return v >= 0 ? (double) v : d;
  }
}
