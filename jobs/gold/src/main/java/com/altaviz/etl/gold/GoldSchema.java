package com.altaviz.etl.gold;

import com.altaviz.etl.common.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Columns of silver that gold reads and of gold/sensor_features (CONTRACTS.md), in order. */
public final class GoldSchema {
  private GoldSchema() {}

  /** Silver columns the feature pass reads, in this order (positions are used internally). */
  public static final List<String> INPUT_COLUMNS = inputColumns();

  /** gold/sensor_features, in contract order. Every column is nullable (no NOT NULL checks). */
  public static final StructType OUTPUT = output();

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

  private static StructType output() {
    StructType s =
        new StructType()
            .add("compressor_id", DataTypes.StringType)
            .add("timestamp", DataTypes.TimestampType);
    for (String sensor : Schemas.SENSOR_COLUMNS) {
      s = s.add(sensor, DataTypes.DoubleType);
    }
    s =
        s.add("operating_hours", DataTypes.DoubleType)
            .add("model", DataTypes.StringType)
            .add("station_id", DataTypes.StringType)
            .add("rated_horsepower", DataTypes.DoubleType);
    for (RollingFeatures.Feature f : RollingFeatures.Feature.values()) {
      if (f != RollingFeatures.Feature.TEMP_1HR_DELTA) {
        s = s.add(f.column, DataTypes.DoubleType);
      }
    }
    return s.add("readings_1hr", DataTypes.LongType)
        .add("readings_24hr", DataTypes.LongType)
        .add("temp_1hr_delta", DataTypes.DoubleType)
        .add("pressure_differential", DataTypes.DoubleType)
        .add("hp_utilization", DataTypes.DoubleType)
        .add("days_since_maintenance", DataTypes.DoubleType)
        .add("vibration_status", DataTypes.StringType)
        .add("temp_status", DataTypes.StringType)
        .add("pressure_status", DataTypes.StringType)
        .add("overall_status", DataTypes.StringType)
        .add("hour_of_day", DataTypes.IntegerType)
        .add("day_of_week", DataTypes.IntegerType)
        .add("is_weekend", DataTypes.BooleanType)
        .add("date", DataTypes.DateType)
        .add("_run_id", DataTypes.StringType);
  }

  static int index(String column) {
    return OUTPUT.fieldIndex(column);
  }

  static DataType type(String column) {
    return OUTPUT.apply(column).dataType();
  }
}
