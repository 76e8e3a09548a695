package com.altaviz.etl.gold;

import com.altaviz.etl.common.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark input (bench/gold_vs_duckdb.sh): a synthetic silver table and bronze dimensions of
 * {@code compressors × days} (see {@link SyntheticLake}) under {@code <lake>}, plus the same silver
 * exported to Parquet for DuckDB. Usage: GoldBenchData LAKE PARQUET COMPRESSORS DAYS. Does nothing
 * when the lake already has its silver table (the data is deterministic). With {@code --export-only
 * LAKE PARQUET} it only exports an existing silver table (pipeline input).
 */
public final class GoldBenchData {
  private GoldBenchData() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("--export-only")) {
      SparkSession spark = SparkSessions.local("gold-bench-export");
      export(spark, args[1], args[2]);
      Files.writeString(Path.of(args[1], "_bench_data_complete"), "pipeline\n");
      spark.stop();
      return;
    }
    String lake = args[0];
    String parquet = args[1];
    int compressors = Integer.parseInt(args[2]);
    int days = Integer.parseInt(args[3]);
    Path done = Path.of(lake, "_bench_data_complete");
    if (Files.exists(done)) {
      System.err.println("bench data: reusing " + lake);
      return;
    }
    SparkSession spark = SparkSessions.local("gold-bench-data");
    spark.conf().set("spark.sql.shuffle.partitions", "8");
    LocalDate start = LocalDate.of(2024, 2, 1);
    SyntheticLake.write(spark, lake, compressors, days, start, 42);
    export(spark, lake, parquet);
    Files.writeString(done, compressors + " x " + days + "\n");
    spark.stop();
  }

  private static void export(SparkSession spark, String lake, String parquet) {
    spark
        .read()
        .format("delta")
        .load(lake + "/silver/sensor_readings")
        .drop("_ingested_at", "_source_file", "_run_id")
        .write()
        .mode("overwrite")
        .parquet(parquet);
  }
}
