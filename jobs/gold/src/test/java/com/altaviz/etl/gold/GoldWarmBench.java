package com.altaviz.etl.gold;

import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.SparkSessions;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * Runs the gold job several times in ONE JVM (bench/ diagnostics): the first run pays the JVM's
 * warm-up (class loading, JIT, Spark code generation, Delta log machinery), later runs show the
 * steady-state cost. Usage: GoldWarmBench RUNS job-args...
 */
public final class GoldWarmBench {
  private GoldWarmBench() {}

  public static void main(String[] args) {
    int runs = Integer.parseInt(args[0]);
    String[] jobArgs = Arrays.copyOfRange(args, 1, args.length);
    var spark = SparkSessions.local("gold-warm-bench");
    // extra session confs to compare, e.g. -Dgold.bench.conf=k1=v1,k2=v2
    for (String kv : System.getProperty("gold.bench.conf", "").split(",")) {
      if (!kv.isBlank()) {
        spark.conf().set(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int i = 1; i <= runs; i++) {
      long t0 = System.nanoTime();
      long c0 = os.getProcessCpuTime();
      int code = JobLauncher.run(new GoldJob(), jobArgs);
      System.out.printf(
          Locale.ROOT,
          "warm-bench run %d exit %d wall %.1f s cpu %.1f s%n",
          i,
          code,
          (System.nanoTime() - t0) / 1e9,
          (os.getProcessCpuTime() - c0) / 1e9);
    }
  }
}
