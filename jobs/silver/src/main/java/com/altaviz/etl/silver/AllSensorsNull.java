package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Rule 7: a row left with every sensor null (as delivered, or after rules 5–6 nulled its values)
 * carries no measurement.
 */
public final class AllSensorsNull {
  private AllSensorsNull() {}

  public static Dataset<Row> flag(Dataset<Row> df, List<String> sensors) {
    Column allNull = lit(true);
    for (String s : sensors) {
      allNull = allNull.and(col(s).isNull());
    }
    return df.withColumn(SilverColumns.flag(RuleNames.ALL_SENSORS_NULL), allNull)
        .withColumn(
            SilverColumns.reason(RuleNames.ALL_SENSORS_NULL),
            when(allNull, lit("every sensor value is null")));
  }
}
