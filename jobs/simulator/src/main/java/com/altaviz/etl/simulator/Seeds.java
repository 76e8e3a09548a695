package com.altaviz.etl.simulator;

/**
 * Deterministic random streams: every stream is seeded from (seed, purpose, coordinates), so a
 * compressor-day is generated identically wherever and in whatever order Spark runs it.
 */
final class Seeds {
  static final long PROFILE = 1;
  static final long VALUES = 2;
  static final long DEFECTS = 3;
  static final long FUTURE = 4;
  static final long STATION = 5;
  static final long MAINTENANCE = 6;

  private Seeds() {}

  /** A fresh stream for one purpose and coordinate tuple. */
  static Rng random(long seed, long purpose, long... coordinates) {
    long h = splitMix(seed);
    h = splitMix(h + purpose);
    for (long c : coordinates) {
      h = splitMix(h + c);
    }
    return new Rng(h);
  }

  /** SplitMix64 finaliser: spreads neighbouring inputs (compressor 1, 2, 3...) over all bits. */
  static long splitMix(long z) {
    z += Rng.GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * A SplitMix64 generator written out here rather than taken from the JDK, so the numbers (and so
   * the files) cannot change with the Java version; unsynchronised, one per compressor-day.
   */
  static final class Rng {
    static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private long state;
    private double spareGaussian = Double.NaN;

    Rng(long seed) {
      this.state = seed;
    }

    long nextLong() {
      state += GOLDEN_GAMMA;
      long z = state;
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    double nextDouble() {
      return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [0, bound) (multiply-shift; the bias is below 2^-31 for our small bounds). */
    int nextInt(int bound) {
      return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    /** Standard normal, Marsaglia's polar method with StrictMath (bit-identical everywhere). */
    double nextGaussian() {
      if (!Double.isNaN(spareGaussian)) {
        double g = spareGaussian;
        spareGaussian = Double.NaN;
        return g;
      }
      double u;
      double v;
      double s;
      do {
        u = 2 * nextDouble() - 1;
        v = 2 * nextDouble() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s == 0);
      double m = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
      spareGaussian = v * m;
      return u * m;
    }

    /** Standard normal truncated to ±{@code limit} (rejection: no pile-up at the limits). */
    double truncatedGaussian(double limit) {
      double z;
      do {
        z = nextGaussian();
      } while (Math.abs(z) > limit);
      return z;
    }
  }
}
