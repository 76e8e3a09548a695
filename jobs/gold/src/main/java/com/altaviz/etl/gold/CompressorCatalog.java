package com.altaviz.etl.gold;

import com.altaviz.etl.common.EtlException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Compressor metadata by id (model, station, rated horsepower): the small side of gold's broadcast
 * join. It is shipped to executors once as a broadcast variable and looked up once per compressor,
 * not once per reading.
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
    List<Object[]> rows = new ArrayList<>();
    for (Row r :
        metadata
            .selectExpr("compressor_id", "model", "station_id", "CAST(horsepower AS DOUBLE)")
            .collectAsList()) {
      rows.add(new Object[] {r.get(0), r.get(1), r.get(2), r.get(3)});
    }
    return of(rows);
  }

  /**
   * From rows of (compressor_id, model, station_id, horsepower: any number), as {@link #collect}.
   */
  public static CompressorCatalog of(List<Object[]> rows) {
    Map<String, Entry> byId = new HashMap<>();
    for (Object[] r : rows) {
      String id = (String) r[0];
      if (id == null) {
        continue;
      }
      Double hp = r[3] == null ? null : ((Number) r[3]).doubleValue();
      if (byId.put(id, new Entry((String) r[1], (String) r[2], hp)) != null) {
        throw EtlException.badInput(
            "compressor metadata lists "
                + id
                + " more than once; fix "
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
