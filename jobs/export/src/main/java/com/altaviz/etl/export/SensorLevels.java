package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.altaviz.etl.common.config.ThresholdsConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gold readings → one row per reading and alert sensor with its level: 0 normal, 1 warning, 2
 * critical. Null values (rejected or missing) are left out: a missing value is no evidence that
 * a condition ended, so it neither extends nor closes an episode.
 */
public final class SensorLevels {
  public static final int NORMAL = 0;
  public static final int WARNING = 1;
  public static final int CRITICAL = 2;

  private SensorLevels() {}

  /** Columns: compressor_id, sensor, timestamp, value, signed_value, level. */
  public static Dataset<Row> of(Dataset<Row> readings, ThresholdsConfig thresholds) {
    List<Column> perSensor = new ArrayList<>();
    for (AlertSensor s : AlertSensor.values()) {
      ThresholdsConfig.Level l = s.limits(thresholds);
      perSensor.add(
          struct(
              lit(s.column).as("sensor"),
              col(s.column).cast("double").as("value"),
              lit((double) s.sign()).as("sign"),
              lit(l.warning * s.sign()).as("signed_warning"),
              lit(l.critical * s.sign()).as("signed_critical")));
    }
    Column signed = col("l.value").multiply(col("l.sign"));
    return readings
        .select(
            col("compressor_id"),
            col("timestamp"),
            explode(array(perSensor.toArray(Column[]::new))).as("l"))
        .select(
            col("compressor_id"),
            col("l.sensor").as("sensor"),
            col("timestamp"),
            col("l.value").as("value"),
            signed.as("signed_value"),
            when(signed.geq(col("l.signed_critical")), lit(CRITICAL))
                .when(signed.geq(col("l.signed_warning")), lit(WARNING))
                .otherwise(lit(NORMAL))
                .as("level"))
        // silver nulls NaN (out of range); should one slip through, it is not a reading either
        .where(col("value").isNotNull().and(not(isnan(col("value")))));
  }
}
