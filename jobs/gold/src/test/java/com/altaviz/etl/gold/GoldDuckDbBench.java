package com.altaviz.etl.gold;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;

/**
 * Times the twelve gold rolling features as one DuckDB query over silver in Parquet
 * (bench/gold_vs_duckdb.sh). Usage: GoldDuckDbBench PARQUET_DIR OUT_DIR. Prints one line {@code
 * duckdb rows=N ctas_s=X ctas_cpu_s=XC copy_s=Y copy_cpu_s=YC threads=T version=V}: X materializes
 * the result in an in-memory table, Y writes it to a Parquet file; each is the best of two runs;
 * the _cpu_ values are the process CPU time of the same runs.
 */
public final class GoldDuckDbBench {
  private GoldDuckDbBench() {}

  public static void main(String[] args) throws Exception {
    String glob = args[0] + "/**/*.parquet";
    Path out = Path.of(args[1], "duckdb_features.parquet");
    Files.createDirectories(out.getParent());
    String query = DuckDbReference.twelveFeatures(glob);
    double ctas = Double.MAX_VALUE;
    double copy = Double.MAX_VALUE;
    double ctasCpu = Double.MAX_VALUE;
    double copyCpu = Double.MAX_VALUE;
    long rows = 0;
    String threads;
    String version;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      threads = scalar(st, "SELECT current_setting('threads')");
      version = scalar(st, "SELECT version()");
      for (int run = 0; run < 2; run++) {
        st.execute("DROP TABLE IF EXISTS features");
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        st.execute("CREATE TABLE features AS " + query);
        ctas = Math.min(ctas, (System.nanoTime() - t0) / 1e9);
        ctasCpu = Math.min(ctasCpu, (cpuNanos() - c0) / 1e9);
        rows = Long.parseLong(scalar(st, "SELECT count(*) FROM features"));
        st.execute("DROP TABLE features");
        Files.deleteIfExists(out);
        t0 = System.nanoTime();
        c0 = cpuNanos();
        st.execute("COPY (" + query + ") TO '" + out + "' (FORMAT PARQUET)");
        copy = Math.min(copy, (System.nanoTime() - t0) / 1e9);
        copyCpu = Math.min(copyCpu, (cpuNanos() - c0) / 1e9);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "duckdb rows=%d ctas_s=%.2f ctas_cpu_s=%.2f copy_s=%.2f copy_cpu_s=%.2f threads=%s "
            + "version=%s%n",
        rows,
        ctas,
        ctasCpu,
        copy,
        copyCpu,
        threads,
        version);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String scalar(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
