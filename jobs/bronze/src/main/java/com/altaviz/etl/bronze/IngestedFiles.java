package com.altaviz.etl.bronze;

import static org.apache.spark.sql.functions.col;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.Schemas;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The deliveries bronze already holds, read from bronze itself (not from a side manifest), so
 * "ingested" and "appended" are one atomic fact: a run killed before its commit ingested nothing.
 */
public final class IngestedFiles {
  private IngestedFiles() {}

  /** Deliveries already in bronze for the given landing dates (partition-pruned). */
  public static List<Delivery> of(
      SparkSession spark, String bronzePath, Collection<LocalDate> landingDates) {
    List<Delivery> out = new ArrayList<>();
    if (landingDates.isEmpty() || !DeltaIo.exists(spark, bronzePath)) {
      return out;
    }
    Object[] dates = landingDates.stream().distinct().map(Date::valueOf).toArray();
    List<Row> rows =
        DeltaIo.read(spark, bronzePath, OptionalLong.empty())
            .where(col(BronzeTables.LANDING_DATE).isin(dates))
            .select(
                col(Schemas.SOURCE_FILE),
                col(BronzeTables.SOURCE_SIZE),
                col(BronzeTables.SOURCE_MODIFIED_AT),
                col(BronzeTables.SOURCE_SHA256))
            .distinct()
            .collectAsList();
    for (Row r : rows) {
      out.add(
          new Delivery(
              r.getString(0), r.getLong(1), ((Timestamp) r.get(2)).getTime(), r.getString(3)));
    }
    return out;
  }
}
