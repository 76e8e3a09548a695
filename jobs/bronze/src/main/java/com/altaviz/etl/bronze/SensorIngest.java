package com.altaviz.etl.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;

import com.altaviz.etl.common.Schemas;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Raw Parquet files → bronze rows: the explicit contract schema plus lineage columns. */
public final class SensorIngest {
  private SensorIngest() {}

  /** The last {@code date=YYYY-MM-DD} folder of a file path is its landing date. */
  private static final String LANDING_DATE_PATTERN = "date=(\\d{4}-\\d{2}-\\d{2})/[^/]*$";

  /** Reads the files with the contract schema (never inferred); extra file columns are ignored. */
  public static Dataset<Row> read(SparkSession spark, List<RawFile> files) {
    String[] paths = files.stream().map(RawFile::path).toArray(String[]::new);
    return spark.read().schema(Schemas.RAW_SENSOR_READINGS).parquet(paths);
  }

  /**
   * Adds the lineage columns from Spark's file metadata. {@code raw} must be the file scan itself
   * (the hidden {@code _metadata} column is resolved on it).
   */
  public static Dataset<Row> withLineage(Dataset<Row> raw, Timestamp ingestedAt, String runId) {
    List<Column> cols = new ArrayList<>();
    for (String c : Schemas.RAW_SENSOR_READINGS.fieldNames()) {
      cols.add(col(c));
    }
    cols.add(lit(ingestedAt).as(Schemas.INGESTED_AT));
    cols.add(col("_metadata.file_path").as(Schemas.SOURCE_FILE));
    cols.add(lit(runId).as(Schemas.RUN_ID));
    cols.add(
        regexp_extract(col("_metadata.file_path"), LANDING_DATE_PATTERN, 1)
            .cast("date")
            .as(BronzeTables.LANDING_DATE));
    cols.add(col("_metadata.file_size").as(BronzeTables.SOURCE_SIZE));
    cols.add(col("_metadata.file_modification_time").as(BronzeTables.SOURCE_MODIFIED_AT));
    return raw.select(cols.toArray(Column[]::new));
  }
}
