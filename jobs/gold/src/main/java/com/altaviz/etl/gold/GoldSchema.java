package com.altaviz.etl.gold;

import com.altaviz.etl.common.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/** Columns of silver that gold reads and of gold/sensor_features in order. */
public final class GoldSchema {
  private GoldSchema() {}

  /** Silver columns the feature pass reads, in this order (positions are used internally). */
  public static final List<String> INPUT_COLUMNS = inputColumns();

  /** gold/sensor_features, in contract order ({@link Schemas#GOLD_FEATURES}). */
  public static final StructType OUTPUT = Schemas.GOLD_FEATURES;

  static final int IN_COMPRESSOR = 0;
  static final int IN_TIMESTAMP = 1;

  /** First of the six sensors and operating_hours (seven doubles, contract order). */
  static final int IN_FIRST_VALUE = 2;

  static final int VALUE_COLUMNS = 7;
  static final int V_VIBRATION = 0;
  static final int V_TEMP = 1;
  static final int V_SUCTION = 2;
  static final int V_DISCHARGE = 3;
  static final int V_HORSEPOWER = 4;

  private static List<String> inputColumns() {
    List<String> c = new ArrayList<>();
    c.add("compressor_id");
    c.add("timestamp");
    c.addAll(Schemas.SENSOR_COLUMNS);
    c.add("operating_hours");
    return List.copyOf(c);
  }

  static int index(String column) {
    return OUTPUT.fieldIndex(column);
  }

  static DataType type(String column) {
    return OUTPUT.apply(column).dataType();
  }
}
