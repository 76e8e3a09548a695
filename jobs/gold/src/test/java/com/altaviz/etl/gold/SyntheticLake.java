package com.altaviz.etl.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import com.altaviz.etl.common.Schemas;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Deterministic silver-shaped readings and bronze dimension tables (contract schemas) for tests and
 * the benchmark, built with Spark SQL from hashes of (seed, compressor, slot), so the same
 * arguments give the same rows however Spark partitions the work.
 *
 * <p>10-minute cadence; odd compressors jitter by up to ±40 s (window edges fall between readings),
 * even ones keep exact 10-minute steps (readings exactly 1h, 4h, 24h apart, so the excluded window
 * edge is exercised). About 2% random gaps, a 2-hour gap on every fifth compressor each day, about
 * 1.5% nulls per sensor, and COMP-003 degrading through the vibration thresholds.
 */
public final class SyntheticLake {
  private SyntheticLake() {}

  public static Dataset<Row> silver(
      SparkSession spark, int compressors, int days, LocalDate start, long seed) {
    long slots = days * 144L;
    String u = "(pmod(xxhash64(%d, c, k, %d), 1000003) / 1000003.0)";
    String startTs = "TIMESTAMP '" + start + " 00:00:00'";
    return spark
        .range(compressors * slots)
        .selectExpr("CAST(id DIV " + slots + " + 1 AS INT) AS c", "id % " + slots + " AS k")
        .where(
            String.format(u, seed, 1)
                + " >= 0.02 AND NOT (c % 5 = 0 AND k % 144 BETWEEN 60 AND 71)")
        .selectExpr(
            "c",
            "k",
            "timestamp_micros(unix_micros("
                + startTs
                + ") + k * 600000000 + CASE WHEN c % 2 = 1 "
                + "THEN CAST(("
                + String.format(u, seed, 2)
                + " - 0.5) * 80000000 AS BIGINT) "
                + "ELSE 0 END) AS timestamp",
            String.format(u, seed, 3) + " AS n1",
            String.format(u, seed, 4) + " AS n2",
            String.format(u, seed, 5) + " AS n3",
            String.format(u, seed, 6) + " AS n4",
            "(pmod(xxhash64(" + seed + ", c, 7), 1000) / 1000.0) AS base")
        .selectExpr(
            "format_string('COMP-%03d', c) AS compressor_id",
            "timestamp",
            nullable(
                    seed,
                    11,
                    "1.5 + 3.0 * base + 0.3 * (n1 - 0.5) "
                        + "+ CASE WHEN c = 3 THEN 7.0 * k / "
                        + slots
                        + " ELSE 0 END")
                + " AS vibration_mms",
            nullable(
                    seed,
                    12,
                    "180 + 40 * base + 8 * sin(2 * pi() * (k % 144) / 144.0) " + "+ 6 * (n2 - 0.5)")
                + " AS discharge_temp_f",
            nullable(seed, 13, "40 + 40 * base + 4 * (n3 - 0.5)") + " AS suction_pressure_psi",
            nullable(seed, 14, "900 + 300 * base + 60 * (n4 - 0.5)") + " AS discharge_pressure_psi",
            nullable(seed, 15, "1200 + 400 * base + 50 * (n1 - 0.5)")
                + " AS horsepower_consumption",
            nullable(seed, 16, "8000 + 4000 * base + 300 * (n2 - 0.5)") + " AS gas_flow_mcf",
            "CAST(1000.0 * c + k / 6.0 AS DOUBLE) AS operating_hours",
            "timestamp + INTERVAL 2 MINUTES AS _ingested_at",
            "'synthetic' AS _source_file",
            "'fixture' AS _run_id",
            "to_date(timestamp) AS date");
  }

  private static String nullable(long seed, int salt, String value) {
    return String.format(
        "CASE WHEN pmod(xxhash64(%d, c, k, %d), 1000) < 15 THEN CAST(NULL AS DOUBLE) ELSE %s END",
        seed, salt, value);
  }

  /** bronze/compressor_metadata for COMP-001 … COMP-n; COMP-002 has no rated horsepower. */
  public static Dataset<Row> metadata(SparkSession spark, int compressors) {
    return spark
        .range(1, compressors + 1)
        .selectExpr(
            "format_string('COMP-%03d', CAST(id AS INT)) AS compressor_id",
            "element_at(array('Ajax DPC-360', 'Ariel JGK/4', 'Caterpillar G3516'), "
                + "CAST(id % 3 AS INT) + 1) AS model",
            "CASE WHEN id = 2 THEN CAST(NULL AS DOUBLE) ELSE 1500.0 + 100 * (id % 3) END "
                + "AS horsepower",
            "DATE '2020-01-01' + CAST(id AS INT) AS install_date",
            "format_string('STN-%03d', CAST((id - 1) DIV 4 + 1 AS INT)) AS station_id",
            "TIMESTAMP '2024-01-01 00:00:00' AS _ingested_at",
            "'synthetic' AS _source_file",
            "'fixture' AS _run_id")
        .select(columns(Schemas.COMPRESSOR_METADATA.fieldNames()));
  }

  /**
   * bronze/maintenance_logs: every third compressor serviced 10 days before {@code start} and again
   * on day 2 at 12:34:56 (so day-2 rows see the old event before it, the new one after).
   */
  public static Dataset<Row> maintenance(SparkSession spark, int compressors, LocalDate start) {
    return spark
        .range(1, compressors + 1)
        .where("id % 3 = 0")
        .selectExpr(
            "id",
            "explode(array(TIMESTAMP '"
                + start
                + " 08:00:00' - INTERVAL 10 DAYS, "
                + "TIMESTAMP '"
                + start
                + " 12:34:56' + INTERVAL 2 DAYS)) AS performed_at")
        .selectExpr(
            "format_string('MNT-%05d-%d', CAST(id AS INT), CAST(unix_seconds(performed_at) "
                + "% 1000 AS INT)) AS maintenance_id",
            "format_string('COMP-%03d', CAST(id AS INT)) AS compressor_id",
            "'scheduled' AS maintenance_type",
            "'routine service' AS description",
            "performed_at",
            "1200.0 AS cost_usd",
            "'tech' AS performed_by",
            "CAST(NULL AS STRING) AS notes",
            "TIMESTAMP '2024-01-01 00:00:00' AS _ingested_at",
            "'synthetic' AS _source_file",
            "'fixture' AS _run_id");
  }

  private static org.apache.spark.sql.Column[] columns(String[] names) {
    org.apache.spark.sql.Column[] cols = new org.apache.spark.sql.Column[names.length + 3];
    for (int i = 0; i < names.length; i++) {
      cols[i] = expr(names[i]);
    }
    cols[names.length] = expr("_ingested_at");
    cols[names.length + 1] = expr("_source_file");
    cols[names.length + 2] = expr("_run_id");
    return cols;
  }

  /**
   * Writes silver (partitioned by date, its files split by compressor hash as SilverJob writes
   * them) and the two bronze dimensions under {@code lake}.
   */
  public static void write(
      SparkSession spark, String lake, int compressors, int days, LocalDate start, long seed) {
    silver(spark, compressors, days, start, seed)
        .repartition(2, col("compressor_id"))
        .write()
        .format("delta")
        .mode("overwrite")
        .partitionBy("date")
        .save(lake + "/silver/sensor_readings");
    metadata(spark, compressors)
        .write()
        .format("delta")
        .mode("overwrite")
        .save(lake + "/bronze/compressor_metadata");
    maintenance(spark, compressors, start)
        .write()
        .format("delta")
        .mode("overwrite")
        .save(lake + "/bronze/maintenance_logs");
  }
}
