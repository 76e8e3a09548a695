package com.altaviz.etl.bronze;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;

import com.altaviz.etl.common.Schemas;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Raw Parquet files → bronze rows: the explicit contract schema plus lineage columns. */
public final class SensorIngest {
  private SensorIngest() {}

  /** The last {@code date=YYYY-MM-DD} folder of a file path is its landing date. */
  private static final String LANDING_DATE_PATTERN = "date=(\\d{4}-\\d{2}-\\d{2})/[^/]*$";

  private static final StructType FILES =
      new StructType()
          .add("__landing", DataTypes.DateType)
          .add("__name", DataTypes.StringType)
          .add(Schemas.SOURCE_FILE, DataTypes.StringType)
          .add(BronzeTables.SOURCE_SIZE, DataTypes.LongType)
          .add(BronzeTables.SOURCE_MODIFIED_AT, DataTypes.TimestampType)
          .add(BronzeTables.SOURCE_SHA256, DataTypes.StringType);

  /** Reads the files with the contract schema (never inferred); extra file columns are ignored. */
  public static Dataset<Row> read(SparkSession spark, List<RawFile> files) {
    String[] paths = files.stream().map(RawFile::path).toArray(String[]::new);
    return spark.read().schema(Schemas.RAW_SENSOR_READINGS).parquet(paths);
  }

  /**
   * Adds the lineage columns. {@code raw} must be the file scan itself (Spark's hidden {@code
   * _metadata} column is resolved on it); each row is matched to its listed file by landing folder
   * and (URL-encoded) file name, and takes that file's path, size, modification time and content
   * hash from the listing.
   *
   * @param sha256 content hash per listed file path
   */
  public static Dataset<Row> withLineage(
      Dataset<Row> raw,
      List<RawFile> files,
      Map<String, String> sha256,
      Timestamp ingestedAt,
      String runId) {
    List<Row> listing = new ArrayList<>();
    for (RawFile f : files) {
      listing.add(
          RowFactory.create(
              Date.valueOf(f.landingDate()),
              f.encodedName(),
              f.path(),
              f.size(),
              new Timestamp(f.modifiedMillis()),
              sha256.get(f.path())));
    }
    Dataset<Row> fileTable = raw.sparkSession().createDataFrame(listing, FILES);
    Column path = col("_metadata.file_path");
    Dataset<Row> keyed =
        raw.select(
            col("*"),
            regexp_extract(path, LANDING_DATE_PATTERN, 1)
                .cast("date")
                .as(BronzeTables.LANDING_DATE),
            regexp_extract(path, "/([^/]+)$", 1).as("__file_name"));
    Dataset<Row> joined =
        keyed.join(
            broadcast(fileTable),
            col(BronzeTables.LANDING_DATE)
                .equalTo(col("__landing"))
                .and(col("__file_name").equalTo(col("__name"))),
            "inner");
    List<Column> cols = new ArrayList<>();
    for (String c : Schemas.RAW_SENSOR_READINGS.fieldNames()) {
      cols.add(col(c));
    }
    cols.add(lit(ingestedAt).as(Schemas.INGESTED_AT));
    cols.add(col(Schemas.SOURCE_FILE));
    cols.add(lit(runId).as(Schemas.RUN_ID));
    cols.add(col(BronzeTables.LANDING_DATE));
    cols.add(col(BronzeTables.SOURCE_SIZE));
    cols.add(col(BronzeTables.SOURCE_MODIFIED_AT));
    cols.add(col(BronzeTables.SOURCE_SHA256));
    return joined.select(cols.toArray(Column[]::new));
  }
}
