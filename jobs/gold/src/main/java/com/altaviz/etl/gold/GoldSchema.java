package com.altaviz.etl.gold;

import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.gold.StatusFlags.Level;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Columns of silver that gold reads and of gold/sensor_features in order. */
public final class GoldSchema {
  private GoldSchema() {}

  /** Silver columns the feature pass reads, in this order (positions are used internally). */
  public static final List<String> INPUT_COLUMNS = inputColumns();

  /** gold/sensor_features, in contract order ({@link Schemas#GOLD_FEATURES}). */
  public static final StructType OUTPUT = Schemas.GOLD_FEATURES;

  static final List<String> STATUS_COLUMNS =
      List.of("vibration_status", "temp_status", "pressure_status", "overall_status");

  /**
   * What {@link FeaturePass} emits: {@link #OUTPUT} without the run id, with the timestamp as epoch
   * µs, the date as days since the epoch and the status levels as {@link Level} ordinals. {@link
   * #output} turns it into OUTPUT with Spark expressions: converting java.sql.Timestamp/Date and
   * encoding the same few strings again for every row was a fifth of gold's CPU (bench/RESULTS.md).
   */
  static final StructType PASS = pass();

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

  /**
   * The {@link #OUTPUT} columns, in order, computed from {@link #PASS} rows of run {@code runId}.
   */
  static Column[] output(String runId) {
    List<Column> out = new ArrayList<>();
    for (StructField f : OUTPUT.fields()) {
      String name = f.name();
      Column c = functions.col(name);
      if (name.equals("timestamp")) {
        c = functions.timestamp_micros(c);
      } else if (name.equals("date")) {
        c = functions.date_from_unix_date(c);
      } else if (STATUS_COLUMNS.contains(name)) {
        Column label = functions.when(c.equalTo(0), Level.values()[0].label);
        for (int i = 1; i < Level.values().length; i++) {
          label = label.when(c.equalTo(i), Level.values()[i].label);
        }
        c = label;
      } else if (name.equals(Schemas.RUN_ID)) {
        c = functions.lit(runId);
      }
      out.add(c.as(name));
    }
    return out.toArray(Column[]::new);
  }

  private static StructType pass() {
    StructType s = new StructType();
    for (StructField f : OUTPUT.fields()) {
      DataType t =
          f.name().equals("timestamp")
              ? DataTypes.LongType
              : f.name().equals("date")
                  ? DataTypes.IntegerType
                  : STATUS_COLUMNS.contains(f.name()) ? DataTypes.ByteType : f.dataType();
      if (!f.name().equals(Schemas.RUN_ID)) {
        s = s.add(f.name(), t, f.nullable());
      }
    }
    return s;
  }

  static int index(String column) {
    return OUTPUT.fieldIndex(column);
  }

  static DataType type(String column) {
    return OUTPUT.apply(column).dataType();
  }
}
