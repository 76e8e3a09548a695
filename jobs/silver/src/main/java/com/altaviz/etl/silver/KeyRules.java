package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Rule 2 (keys): null compressor_id/timestamp, and compressor ids not in the fleet metadata. */
public final class KeyRules {
  private KeyRules() {}

  /** Adds the null_keys flag and reason. */
  public static Dataset<Row> flagNullKeys(Dataset<Row> df) {
    var id = col("compressor_id").isNull();
    var ts = col("timestamp").isNull();
    return df.withColumn(SilverColumns.flag(RuleNames.NULL_KEYS), id.or(ts))
        .withColumn(
            SilverColumns.reason(RuleNames.NULL_KEYS),
            when(id.and(ts), lit("compressor_id and timestamp are null"))
                .when(id, lit("compressor_id is null"))
                .when(ts, lit("timestamp is null")));
  }

  /**
   * Adds the unknown_compressor flag: a non-null id absent from {@code fleet} (a frame with a
   * {@code compressor_id} column, e.g. bronze/compressor_metadata). The fleet is small, so it is
   * broadcast and the readings are not shuffled for this join.
   */
  public static Dataset<Row> flagUnknownCompressor(Dataset<Row> df, Dataset<Row> fleet) {
    var known =
        fleet
            .select(col("compressor_id").as("__known_id"))
            .where(col("__known_id").isNotNull())
            .distinct();
    var unknown = col("compressor_id").isNotNull().and(col("__known_id").isNull());
    return df.join(broadcast(known), col("compressor_id").equalTo(col("__known_id")), "left")
        .withColumn(SilverColumns.flag(RuleNames.UNKNOWN_COMPRESSOR), unknown)
        .withColumn(
            SilverColumns.reason(RuleNames.UNKNOWN_COMPRESSOR),
            when(
                unknown,
                concat(
                    lit("compressor_id "),
                    col("compressor_id"),
                    lit(" is not in bronze/compressor_metadata"))))
        .drop("__known_id");
  }
}
