package com.altaviz.etl.export;

import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.config.ThresholdsConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Gold readings → {@code sensor_readings_agg} rows: per compressor and UTC-aligned bucket of 1
 * hour, 4 hours (00:00, 04:00, …) and 1 day, the mean, sample std, min and max of each sensor
 * (nulls ignored), the readings received and the readings missing against the sensor cadence
 * ({@code silver.reading_interval_minutes}, 10 minutes: a bucket of W minutes expects W / 10).
 */
public final class SensorAggregates {
  /** Window types and their bucket lengths in seconds. */
  enum Bucket {
    HOUR("1hr", 3_600),
    FOUR_HOURS("4hr", 14_400),
    DAY("24hr", 86_400);

    final String windowType;
    final long seconds;

    Bucket(String windowType, long seconds) {
      this.windowType = windowType;
      this.seconds = seconds;
    }
  }

  private static final String[] STATS = {"mean", "std", "min", "max"};

  private SensorAggregates() {}

  /** The {@code sensor_readings_agg} columns in table order, minus run_id. */
  public static List<String> columns() {
    List<String> c = new ArrayList<>(List.of("compressor_id", "window_type", "agg_timestamp"));
    for (String s : Schemas.SENSOR_COLUMNS) {
      for (String stat : STATS) {
        c.add(s + "_" + stat);
      }
    }
    c.add("reading_count");
    c.add("missing_readings");
    return c;
  }

  /** The aggregate columns with their Spark types (no run_id). */
  static StructType schema() {
    StructType s = new StructType();
    for (String c : columns()) {
      DataType t =
          switch (c) {
            case "compressor_id", "window_type" -> DataTypes.StringType;
            case "agg_timestamp" -> DataTypes.TimestampType;
            case "reading_count", "missing_readings" -> DataTypes.IntegerType;
            default -> DataTypes.DoubleType;
          };
      s = s.add(c, t, !c.equals("reading_count") && !c.equals("missing_readings"));
    }
    return s;
  }

  /**
   * Every reading's buckets, computed by {@link ReadingPass}: one shuffle by compressor and one
   * sort, then a streaming pass in time order (no hash aggregation of readings exploded per bucket
   * type).
   */
  public static Dataset<Row> compute(Dataset<Row> readings, int readingIntervalMinutes) {
    return new ReadingPass(new ThresholdsConfig(), 1, readingIntervalMinutes).aggregates(readings);
  }
}
