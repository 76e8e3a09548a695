package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;

/**
 * Rule 5 (physical ranges): a sensor value outside its inclusive physical range is rejected. NaN
 * and ±Infinity are outside every range (a comparison alone would let NaN through the lower bound,
 * so it is tested explicitly).
 */
public final class PhysicalRanges {
  private PhysicalRanges() {}

  public static final String FLAGS = "_range_flags";
  private static final ArrayType FLAGS_TYPE = SilverColumns.VALUE_FLAGS_TYPE;

  /**
   * Adds {@link #FLAGS}: one {@link SilverColumns#VALUE_FLAG} per out-of-range value of an {@code
   * eligible} row (an empty array otherwise). Values are not changed here.
   *
   * @param ranges sensor column → [min, max]
   */
  public static Dataset<Row> flag(
      Dataset<Row> df, Map<String, List<Double>> ranges, Column eligible) {
    List<Column> candidates = new ArrayList<>();
    Column any = lit(false);
    for (var e : ranges.entrySet()) {
      String c = e.getKey();
      double min = e.getValue().get(0);
      double max = e.getValue().get(1);
      Column v = col(c);
      Column outside = v.isNotNull().and(isnan(v).or(v.lt(min)).or(v.gt(max)));
      any = any.or(outside);
      candidates.add(
          when(
              eligible.and(outside),
              struct(
                  lit(RuleNames.PHYSICAL_RANGE).as("rule"),
                  lit(c).as("column_name"),
                  v.as("original_value"),
                  concat(
                          lit(c + " = "),
                          v.cast("string"),
                          lit(" is outside the physical range [" + min + ", " + max + "]"))
                      .as("reason"))));
    }
    Column none = array().cast(FLAGS_TYPE);
    if (candidates.isEmpty()) {
      return df.withColumn(FLAGS, none);
    }
    // the array is only built for the rare row with a violation
    Column flags = filter(array(candidates.toArray(Column[]::new)), x -> x.isNotNull());
    return df.withColumn(FLAGS, when(eligible.and(any), flags.cast(FLAGS_TYPE)).otherwise(none));
  }
}
