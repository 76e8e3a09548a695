package com.altaviz.etl.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_date;

import com.altaviz.etl.common.Schemas;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The two tables a silver run writes, projected from the classified rows. */
public final class SilverOutputs {
  private SilverOutputs() {}

  /** MEASURES = the six sensors + operating_hours, as delivered. */
  public static final List<String> MEASURES = measures();

  /** silver/sensor_readings (contract schema): one row per (compressor_id, timestamp). */
  public static final StructType SILVER = silverSchema();

  /** silver/quarantine: one row per rejected row or value, with the original values. */
  public static final StructType QUARANTINE = quarantineSchema();

  /** Rows of the processed range that no rule removed, with rejected values nulled. */
  public static Dataset<Row> silverRows(Dataset<Row> classified, String runId) {
    List<Column> cols = new ArrayList<>();
    cols.add(col("compressor_id"));
    cols.add(col("timestamp"));
    MEASURES.forEach(m -> cols.add(col(m)));
    cols.add(col(Schemas.INGESTED_AT));
    cols.add(col(Schemas.SOURCE_FILE));
    cols.add(lit(runId).as(Schemas.RUN_ID));
    cols.add(to_date(col("timestamp")).as("date"));
    return classified
        .where(
            col(SilverColumns.SCOPE)
                .equalTo(SilverScope.RANGE)
                .and(col(SilverColumns.ROW_RULE).isNull()))
        .select(cols.toArray(Column[]::new));
  }

  /**
   * Whole-row rejections kept in quarantine (action quarantine or fail), then one row per rejected
   * value whose rule keeps it. Measure columns carry the values AS DELIVERED: a value a rule nulled
   * is restored from its flag.
   */
  public static Dataset<Row> quarantineRows(
      Dataset<Row> classified, RuleActions actions, String runId, Timestamp quarantinedAt) {
    Column counted = col(SilverColumns.SCOPE).isin(SilverScope.COUNTED.toArray());
    Dataset<Row> rows =
        classified
            .where(counted.and(col(SilverColumns.ROW_ACTION).isin("quarantine", "fail")))
            .select(
                project(
                    col(SilverColumns.ROW_RULE),
                    col(SilverColumns.ROW_REASON),
                    lit(null).cast("string"),
                    lit(null).cast("double"),
                    runId,
                    quarantinedAt));
    Object[] kept = RuleNames.VALUE_RULES.stream().filter(actions::keepsInQuarantine).toArray();
    if (kept.length == 0) {
      return rows;
    }
    Dataset<Row> values =
        classified
            .where(
                col(SilverColumns.SCOPE)
                    .equalTo(SilverScope.RANGE)
                    .and(size(col(SilverColumns.VALUE_FLAGS)).gt(0)))
            .withColumn(
                "__flag",
                explode(filter(col(SilverColumns.VALUE_FLAGS), f -> f.getField("rule").isin(kept))))
            .select(
                project(
                    col("__flag.rule"),
                    col("__flag.reason"),
                    col("__flag.column_name"),
                    col("__flag.original_value"),
                    runId,
                    quarantinedAt));
    return rows.unionByName(values);
  }

  private static Column[] project(
      Column rule, Column reason, Column column, Column original, String runId, Timestamp at) {
    List<Column> cols = new ArrayList<>();
    cols.add(lit(runId).as("run_id"));
    cols.add(rule.as("rule"));
    cols.add(reason.as("reason"));
    cols.add(column.as("column_name"));
    cols.add(original.as("original_value"));
    cols.add(col("compressor_id"));
    cols.add(col("timestamp"));
    for (String m : MEASURES) {
      cols.add(delivered(m).as(m));
    }
    cols.add(col(Schemas.SOURCE_FILE));
    cols.add(col(Schemas.INGESTED_AT));
    cols.add(col("_landing_date"));
    cols.add(lit(at).as("quarantined_at"));
    return cols.toArray(Column[]::new);
  }

  /** The delivered value of a measure: the silver value, or the original a rule nulled. */
  private static Column delivered(String m) {
    Column original =
        element_at(
                filter(
                    col(SilverColumns.VALUE_FLAGS), f -> f.getField("column_name").equalTo(lit(m))),
                1)
            .getField("original_value");
    return org.apache.spark.sql.functions.coalesce(col(m), original);
  }

  private static List<String> measures() {
    List<String> m = new ArrayList<>(Schemas.SENSOR_COLUMNS);
    m.add("operating_hours");
    return List.copyOf(m);
  }

  private static StructType silverSchema() {
    StructType s =
        new StructType()
            .add("compressor_id", DataTypes.StringType, false)
            .add("timestamp", DataTypes.TimestampType, false);
    for (String m : measures()) {
      s = s.add(m, DataTypes.DoubleType);
    }
    return s.add(Schemas.INGESTED_AT, DataTypes.TimestampType)
        .add(Schemas.SOURCE_FILE, DataTypes.StringType)
        .add(Schemas.RUN_ID, DataTypes.StringType)
        .add("date", DataTypes.DateType);
  }

  private static StructType quarantineSchema() {
    StructType s =
        new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("rule", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, false)
            .add("column_name", DataTypes.StringType)
            .add("original_value", DataTypes.DoubleType)
            .add("compressor_id", DataTypes.StringType)
            .add("timestamp", DataTypes.TimestampType);
    for (String m : measures()) {
      s = s.add(m, DataTypes.DoubleType);
    }
    return s.add(Schemas.SOURCE_FILE, DataTypes.StringType)
        .add(Schemas.INGESTED_AT, DataTypes.TimestampType)
        .add("_landing_date", DataTypes.DateType)
        .add("quarantined_at", DataTypes.TimestampType, false);
  }
}
