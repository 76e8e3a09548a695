package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Nulls the sensor values a value-level rule rejected, leaving the rest of the row intact. */
public final class ValueRejections {
  private ValueRejections() {}

  /** Sets each sensor named in {@code flagsColumn} (an array of value flags) to null. */
  public static Dataset<Row> nullFlagged(
      Dataset<Row> df, String flagsColumn, List<String> sensors) {
    Dataset<Row> out = df;
    for (String s : sensors) {
      // size() first: almost every row has no flag, and the lambda is then never evaluated
      out =
          out.withColumn(
              s,
              when(
                      size(col(flagsColumn))
                          .gt(0)
                          .and(
                              exists(
                                  col(flagsColumn),
                                  f -> f.getField("column_name").equalTo(lit(s)))),
                      lit(null).cast("double"))
                  .otherwise(col(s)));
    }
    return out;
  }
}
