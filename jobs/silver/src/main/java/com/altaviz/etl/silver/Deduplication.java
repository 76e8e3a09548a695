package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Rule 4 (duplicates): of the deliveries of one (compressor_id, timestamp), the most recent wins —
 * latest {@code _ingested_at}, then the later landing folder, then the greater {@code _source_file}
 * — so the choice is deterministic. The others are flagged as superseded.
 */
public final class Deduplication {
  private Deduplication() {}

  /**
   * Adds the duplicates flag and reason. Rows where {@code eligible} is false (already rejected)
   * neither win nor lose. Partitioned by compressor and timestamp, so when the input is already
   * hash-partitioned by compressor_id this window adds no shuffle.
   */
  public static Dataset<Row> flag(Dataset<Row> df, Column eligible) {
    WindowSpec w =
        Window.partitionBy(col("compressor_id"), col("timestamp"))
            .orderBy(
                col("__ineligible"), // eligible rows first
                col("_ingested_at").desc_nulls_last(),
                col("_landing_date").desc_nulls_last(),
                col("_source_file").desc_nulls_last());
    Dataset<Row> ranked =
        df.withColumn("__ineligible", not(eligible))
            // one select, so Spark evaluates the three over one sort
            .select(
                col("*"),
                row_number().over(w).as("__rank"),
                first(col("_source_file")).over(w).as("__winner_file"),
                first(col("_ingested_at")).over(w).as("__winner_at"));
    Column loser = not(col("__ineligible")).and(col("__rank").gt(1));
    return ranked
        .withColumn(SilverColumns.flag(RuleNames.DUPLICATES), loser)
        .withColumn(
            SilverColumns.reason(RuleNames.DUPLICATES),
            when(
                loser,
                concat(
                    lit("superseded by the delivery in "),
                    col("__winner_file"),
                    lit(" ingested at "),
                    date_format(col("__winner_at"), "yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'"))))
        .drop("__ineligible", "__rank", "__winner_file", "__winner_at");
  }
}
