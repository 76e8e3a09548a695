package com.altaviz.etl.silver;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Names of the working columns the silver rules add while classifying bronze rows. */
public final class SilverColumns {
  private SilverColumns() {}

  /** Why a bronze row is in this run: see {@link SilverScope}. */
  public static final String SCOPE = "_scope";

  /** The rule that removed the row from silver (null while it is still a silver row). */
  public static final String ROW_RULE = "_row_rule";

  public static final String ROW_REASON = "_row_reason";

  /** The removing rule's action: drop, quarantine or fail. */
  public static final String ROW_ACTION = "_row_action";

  /** Value-level rejections of the row: array of {@link #VALUE_FLAG}. */
  public static final String VALUE_FLAGS = "_value_flags";

  /** One rejected value: which rule, which column, the original value and why. */
  public static final StructType VALUE_FLAG =
      new StructType()
          .add("rule", DataTypes.StringType)
          .add("column_name", DataTypes.StringType)
          .add("original_value", DataTypes.DoubleType)
          .add("reason", DataTypes.StringType);

  /** Type of the value-flag array columns. */
  public static final ArrayType VALUE_FLAGS_TYPE = DataTypes.createArrayType(VALUE_FLAG, true);

  /** Boolean flag a rule class adds: the rule's condition holds for the row. */
  public static String flag(String rule) {
    return "_flag_" + rule;
  }

  /** Boolean: the rule fired on a row still in play (counted once per row, in rule order). */
  public static String hit(String rule) {
    return "_hit_" + rule;
  }

  /** Rule-specific reason text column a rule class adds next to its flag. */
  public static String reason(String rule) {
    return "_reason_" + rule;
  }
}
