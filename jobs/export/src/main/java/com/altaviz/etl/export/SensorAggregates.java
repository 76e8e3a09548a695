package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_samp;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_seconds;

import com.altaviz.etl.common.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
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
   * Spark's aggregate functions over each reading exploded into its three buckets: {@code avg},
   * {@code stddev_samp}, {@code min}, {@code max} per sensor (all ignore nulls; NaN orders above
   * every number) and {@code count} of readings — one scan and one hash aggregation for all window
   * types. Bucket edges are epoch arithmetic, so they are UTC whatever the session time zone.
   */
  public static Dataset<Row> compute(Dataset<Row> readings, int readingIntervalMinutes) {
    List<Column> buckets = new ArrayList<>();
    for (Bucket b : Bucket.values()) {
      buckets.add(struct(lit(b.windowType).as("window_type"), lit(b.seconds).as("seconds")));
    }
    List<Column> cols = new ArrayList<>(List.of(col("compressor_id"), col("timestamp")));
    Schemas.SENSOR_COLUMNS.forEach(s -> cols.add(col(s)));
    cols.add(explode(array(buckets.toArray(Column[]::new))).as("b"));

    // whole seconds since the epoch (Spark's cast rounds down)
    Column second = col("timestamp").cast("long");
    Column bucketStart =
        timestamp_seconds(floor(second.divide(col("b.seconds"))).multiply(col("b.seconds")));

    List<Column> aggs = new ArrayList<>();
    for (String s : Schemas.SENSOR_COLUMNS) {
      aggs.add(avg(s).as(s + "_mean"));
      aggs.add(stddev_samp(s).as(s + "_std"));
      aggs.add(min(s).as(s + "_min"));
      aggs.add(max(s).as(s + "_max"));
    }
    aggs.add(count(lit(1)).as("reading_count"));

    Dataset<Row> grouped =
        readings
            .select(cols.toArray(Column[]::new))
            .groupBy(
                col("compressor_id"),
                col("b.window_type").as("window_type"),
                bucketStart.as("agg_timestamp"),
                col("b.seconds").as("bucket_seconds"))
            .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));

    Column expected = floor(col("bucket_seconds").divide(readingIntervalMinutes * 60L)).cast("int");
    return grouped
        .withColumn("reading_count", col("reading_count").cast("int"))
        .withColumn("missing_readings", greatest(expected.minus(col("reading_count")), lit(0)))
        .select(columns().stream().map(c -> col(c)).toArray(Column[]::new));
  }
}
