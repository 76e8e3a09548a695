package com.altaviz.etl.gold;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The feature core on ONE compressor reporting densely (bench/ diagnostics): usage
 * DenseCompressorBench READINGS CADENCE_MS, e.g. 1728000 50 for a day at 50 ms. Prints the time of
 * three passes; cost per reading must not grow with the window's reading count.
 */
public final class DenseCompressorBench {
  private DenseCompressorBench() {}

  public static void main(String[] args) {
    int n = Integer.parseInt(args[0]);
    long cadence = Long.parseLong(args[1]) * 1000L;
    SplittableRandom rnd = new SplittableRandom(1);
    long[] ts = new long[n];
    double[] vib = new double[n];
    double[] temp = new double[n];
    double[] press = new double[n];
    for (int i = 0; i < n; i++) {
      ts[i] = i * cadence;
      vib[i] = 3 + rnd.nextGaussian();
      temp[i] = 200 + 5 * rnd.nextGaussian();
      press[i] = 1100 + 30 * rnd.nextGaussian();
    }
    RollingFeatures f = new RollingFeatures();
    for (int pass = 1; pass <= 3; pass++) {
      long t0 = System.nanoTime();
      f.compute(n, ts, vib, temp, press);
      System.out.printf(
          Locale.ROOT,
          "pass %d: %,d readings every %d ms in %.2f s%n",
          pass,
          n,
          cadence / 1000,
          (System.nanoTime() - t0) / 1e9);
    }
  }
}
