package com.altaviz.etl.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;

import com.altaviz.etl.common.EtlException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A dimension CSV read BY NAME (DESIGN §4.1; the original mapped columns by position): the
 * header decides which column is which, so reordered or extra columns are fine, while a missing
 * contract column or a value that does not parse as its type stops the run naming file, column
 * and value.
 */
public final class DimensionCsv {
  private DimensionCsv() {}

  /** Every cell as a string; the header names the columns (no type inference). */
  public static Dataset<Row> readStrings(SparkSession spark, String file) {
    return spark
        .read()
        .option("header", "true")
        .option("inferSchema", "false")
        .option("multiLine", "true") // quoted descriptions/notes may span lines
        .option("escape", "\"") // RFC 4180: a quote inside a quoted field is doubled
        .option("mode", "FAILFAST")
        .csv(file);
  }

  /**
   * Selects the contract columns by header name (trimmed, case-insensitive) and casts them;
   * alongside each typed column the raw text is kept as {@code __raw_<name>} for {@link #rows}.
   */
  public static Dataset<Row> byName(Dataset<Row> strings, StructType schema, String file) {
    Map<String, String> header = new HashMap<>();
    for (String h : strings.columns()) {
      String key = h.trim().toLowerCase(Locale.ROOT);
      if (header.putIfAbsent(key, h) != null) {
        throw EtlException.badInput(
            "dimension file " + file + " has the column '" + h.trim() + "' twice", null);
      }
    }
    List<Column> cols = new ArrayList<>();
    for (StructField f : schema.fields()) {
      String actual = header.get(f.name());
      if (actual == null) {
        throw EtlException.badInput(
            "dimension file " + file + " lacks column '" + f.name() + "' (header: "
                + String.join(",", strings.columns()) + ")",
            null);
      }
      Column text = trim(col("`" + actual + "`"));
      cols.add(text.cast(f.dataType()).as(f.name()));
      cols.add(text.as("__raw_" + f.name()));
    }
    return strings.select(cols.toArray(Column[]::new));
  }

  /**
   * Collects the typed rows (dimension tables are small) and fails on the first cell whose text
   * does not parse as its contract type: a null is only ever an empty cell.
   */
  public static List<Row> rows(Dataset<Row> typed, StructType schema, String file) {
    int n = schema.size();
    List<Row> out = new ArrayList<>();
    List<Row> collected = typed.collectAsList();
    for (int i = 0; i < collected.size(); i++) {
      Row r = collected.get(i);
      Object[] values = new Object[n];
      for (int c = 0; c < n; c++) {
        Object value = r.get(2 * c);
        String text = r.getString(2 * c + 1);
        if (value == null && text != null && !text.isEmpty()) {
          throw EtlException.badInput(
              String.format(
                  "dimension file %s, data row %d: column '%s' value '%s' is not a %s",
                  file, i + 1, schema.fields()[c].name(), text,
                  schema.fields()[c].dataType().simpleString()),
              null);
        }
        values[c] = value;
      }
      out.add(RowFactory.create(values));
    }
    return out;
  }
}
