package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;

import com.altaviz.etl.common.Schemas;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Bronze dimension tables → one row per natural key, ready for the dimension upserts. Bronze keeps
 * what the CSVs delivered, so a key may repeat; the most recently ingested row wins (then the
 * greatest row, so the choice never depends on partition order).
 */
public final class Dimensions {
  /** Trailing column of {@link #latestPerKey}: bronze rows per key. */
  public static final String ROWS = "_rows";

  private Dimensions() {}

  public static Dataset<Row> stations(Dataset<Row> bronze, String runId) {
    return latestPerKey(bronze, Schemas.STATIONS, "station_id", runId);
  }

  public static Dataset<Row> compressorMetadata(Dataset<Row> bronze, String runId) {
    return latestPerKey(bronze, Schemas.COMPRESSOR_METADATA, "compressor_id", runId);
  }

  public static Dataset<Row> maintenanceEvents(Dataset<Row> bronze, String runId) {
    return latestPerKey(bronze, Schemas.MAINTENANCE_LOGS, "maintenance_id", runId);
  }

  /**
   * One row per key in the table's columns plus run_id, and a last column {@code _rows}: how many
   * bronze rows had that key. Rows without a key come out as one row with a null key (and their
   * count) so the caller can report them without a second pass; they cannot be upserted.
   */
  static Dataset<Row> latestPerKey(
      Dataset<Row> bronze, StructType schema, String key, String runId) {
    List<String> cols = Arrays.asList(schema.fieldNames());
    List<Column> order = new ArrayList<>();
    List<String> present = Arrays.asList(bronze.columns());
    for (String lineage : List.of(Schemas.INGESTED_AT, Schemas.SOURCE_FILE)) {
      order.add(present.contains(lineage) ? col(lineage) : lit(null));
    }
    for (String c : cols) {
      order.add(col(c).as(c));
    }
    List<Column> out = new ArrayList<>();
    for (String c : cols) {
      out.add(col("r." + c).cast(schema.apply(c).dataType()).as(c));
    }
    out.add(lit(runId).as(ExportTables.RUN_ID));
    out.add(col(ROWS));
    return bronze
        .groupBy(col(key))
        .agg(max(struct(order.toArray(Column[]::new))).as("r"), count(lit(1)).as(ROWS))
        .select(out.toArray(Column[]::new));
  }
}
