package com.altaviz.etl.bronze;

import com.altaviz.etl.common.Schemas;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Contract schemas and creation of the bronze Delta tables. */
public final class BronzeTables {
  private BronzeTables() {}

  public static final String LANDING_DATE = "_landing_date";

  /** Delivery identity of the source file (with {@code _source_file}): how bronze skips files. */
  public static final String SOURCE_SIZE = "_source_size";

  public static final String SOURCE_MODIFIED_AT = "_source_modified_at";
  public static final String SOURCE_SHA256 = "_source_sha256";

  /**
   * bronze/sensor_readings: the nine raw columns, lineage ({@code _source_file} is the Hadoop path
   * of the raw file), and the source file's delivery identity (see {@link Delivery}).
   */
  public static final StructType SENSOR_READINGS =
      Schemas.RAW_SENSOR_READINGS
          .add(Schemas.INGESTED_AT, DataTypes.TimestampType)
          .add(Schemas.SOURCE_FILE, DataTypes.StringType)
          .add(Schemas.RUN_ID, DataTypes.StringType)
          .add(LANDING_DATE, DataTypes.DateType)
          .add(SOURCE_SIZE, DataTypes.LongType)
          .add(SOURCE_MODIFIED_AT, DataTypes.TimestampType)
          .add(SOURCE_SHA256, DataTypes.StringType);

  /** A dimension CSV schema plus the lineage columns bronze adds. */
  public static StructType dimension(StructType csv) {
    return csv.add(Schemas.INGESTED_AT, DataTypes.TimestampType)
        .add(Schemas.SOURCE_FILE, DataTypes.StringType)
        .add(Schemas.RUN_ID, DataTypes.StringType);
  }

  /**
   * Creates bronze/sensor_readings if missing: partitioned by landing date and append-only, so
   * Delta itself refuses any update or delete of the audit trail. File statistics are kept for the
   * first two columns only (compressor_id, timestamp: what silver filters on); min/max of every
   * sensor would cost write time and skip nothing.
   */
  public static void createSensorReadings(SparkSession spark, String path) {
    DeltaTable.createIfNotExists(spark)
        .location(path)
        .addColumns(SENSOR_READINGS)
        .partitionedBy(LANDING_DATE)
        .property("delta.appendOnly", "true")
        .property("delta.dataSkippingNumIndexedCols", "2")
        .execute();
  }
}
