package com.altaviz.etl.export;

import com.altaviz.etl.common.Schemas;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/** The gold columns the export uses, and time slices of gold that prune its date partitions. */
public final class GoldInput {
  /**
   * Gold columns the export reads: the key, the raw sensor values and the date partition, in the
   * order of the gold/sensor_features contract ({@link Schemas#GOLD_FEATURES}).
   */
  public static final List<String> COLUMNS;

  static {
    List<String> wanted = new ArrayList<>(List.of("compressor_id", "timestamp", "date"));
    wanted.addAll(Schemas.SENSOR_COLUMNS);
    List<String> contract = List.of(Schemas.GOLD_FEATURES.fieldNames());
    if (!contract.containsAll(wanted)) {
      throw new IllegalStateException("gold contract lacks export columns: " + wanted);
    }
    COLUMNS = contract.stream().filter(wanted::contains).toList();
  }

  private GoldInput() {}

  /** Checks the contract columns are there (a clear exit-2 error instead of an analysis trace). */
  public static Dataset<Row> project(Dataset<Row> gold, String path) {
    InputColumns.require(
        gold.columns(), COLUMNS, path, "gold/sensor_features contract, Schemas.GOLD_FEATURES");
    return gold.select(COLUMNS.stream().map(functions::col).toArray(Column[]::new));
  }

  /**
   * Rows with {@code from <= timestamp < to} (null = unbounded). The extra predicate on the {@code
   * date} partition column lets Delta skip whole days; Spark does not derive it from the timestamp
   * predicate by itself.
   */
  public static Dataset<Row> slice(Dataset<Row> gold, Instant from, Instant to) {
    Column keep = functions.lit(true);
    if (from != null) {
      keep =
          keep.and(functions.col("date").geq(functions.lit(day(from))))
              .and(functions.col("timestamp").geq(functions.lit(from)));
    }
    if (to != null) {
      keep =
          keep.and(functions.col("date").leq(functions.lit(day(to))))
              .and(functions.col("timestamp").lt(functions.lit(to)));
    }
    return gold.where(keep);
  }

  private static LocalDate day(Instant i) {
    return LocalDate.ofInstant(i, ZoneOffset.UTC);
  }

  /** Whether {@code from <= timestamp < to} (null = unbounded): a flag, not a filter. */
  public static Column within(Instant from, Instant to) {
    Column in = functions.lit(true);
    if (from != null) {
      in = in.and(functions.col("timestamp").geq(functions.lit(from)));
    }
    if (to != null) {
      in = in.and(functions.col("timestamp").lt(functions.lit(to)));
    }
    return in;
  }
}
