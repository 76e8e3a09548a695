package com.altaviz.etl.gold;

import com.altaviz.etl.common.EtlException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Compressor metadata by id (model, station, rated horsepower): the small side of gold's
 * broadcast join. It is shipped to executors once as a broadcast variable and looked up once per
 * compressor, not once per reading.
 */
public final class CompressorCatalog implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One compressor's attributes; rated horsepower may be null. */
  public record Entry(String model, String stationId, Double ratedHorsepower)
      implements Serializable {}

  private final Map<String, Entry> byId;

  public CompressorCatalog(Map<String, Entry> byId) {
    this.byId = Map.copyOf(byId);
  }

  /**
   * Collects bronze/compressor_metadata (compressor_id, model, horsepower, station_id). A
   * compressor listed twice is ambiguous and stops the run with a clear message.
   */
  public static CompressorCatalog collect(Dataset<Row> metadata) {
    List<Row> rows =
        metadata
            .selectExpr("compressor_id", "model", "station_id", "CAST(horsepower AS DOUBLE)")
            .where("compressor_id IS NOT NULL")
            .collectAsList();
    Map<String, Entry> byId = new HashMap<>();
    for (Row r : rows) {
      Entry e = new Entry(r.getString(1), r.getString(2), r.isNullAt(3) ? null : r.getDouble(3));
      if (byId.put(r.getString(0), e) != null) {
        throw EtlException.badInput(
            "compressor metadata lists " + r.getString(0) + " more than once; fix "
                + "raw/compressor_metadata.csv and re-run bronze",
            null);
      }
    }
    return new CompressorCatalog(byId);
  }

  /** The entry of a compressor, or null when the metadata does not know it. */
  public Entry lookup(String compressorId) {
    return byId.get(compressorId);
  }

  public int size() {
    return byId.size();
  }
}
