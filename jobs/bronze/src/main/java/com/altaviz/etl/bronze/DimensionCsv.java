package com.altaviz.etl.bronze;

import com.altaviz.etl.common.EtlException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A dimension CSV read BY NAME, never by column position: the header decides which column is which,
 * so reordered or extra columns are fine, while a missing contract column or a value that does not
 * parse as its type stops the run naming file, column and value. Dimension files are small, so they
 * are parsed on the driver (with the RFC 4180 parser Spark itself uses for CSV) instead of costing
 * Spark jobs.
 */
public final class DimensionCsv {
  private DimensionCsv() {}

  private static final DateTimeFormatter SPACE_SEPARATED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS][.SSS]");

  /** All records of the file, header first; quoted fields may hold commas, quotes, newlines. */
  public static List<String[]> records(String file, Configuration conf) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.setLineSeparatorDetectionEnabled(true);
    settings.setMaxCharsPerColumn(-1);
    settings.setEmptyValue(""); // "" stays an empty string; an absent value is null
    // A strict decoder: the default one would turn Latin-1 bytes into U+FFFD without a word.
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (InputStream in = new Path(file).getFileSystem(conf).open(new Path(file))) {
      return new CsvParser(settings).parseAll(new InputStreamReader(in, utf8));
    } catch (IOException | RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof CharacterCodingException) {
          throw EtlException.badInput("dimension file " + file + " is not UTF-8 text", e);
        }
      }
      throw EtlException.badInput("cannot read dimension file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Typed rows in {@code schema}'s column order, found by header name (trimmed, case-insensitive).
   * Empty cells are null; any other cell must parse as its type.
   */
  public static List<Row> rows(List<String[]> records, StructType schema, String file) {
    if (records.isEmpty()) {
      throw EtlException.badInput("dimension file " + file + " is empty (no header row)", null);
    }
    String[] header = records.get(0);
    Map<String, Integer> position = new HashMap<>();
    for (int i = 0; i < header.length; i++) {
      String key = header[i] == null ? "" : header[i].trim().toLowerCase(Locale.ROOT);
      if (!key.isEmpty() && position.putIfAbsent(key, i) != null) {
        throw EtlException.badInput(
            "dimension file " + file + " has the column '" + header[i].trim() + "' twice", null);
      }
    }
    StructField[] fields = schema.fields();
    int[] at = new int[fields.length];
    for (int c = 0; c < fields.length; c++) {
      Integer p = position.get(fields[c].name());
      if (p == null) {
        throw EtlException.badInput(
            "dimension file "
                + file
                + " lacks column '"
                + fields[c].name()
                + "' (header: "
                + String.join(",", header)
                + ")",
            null);
      }
      at[c] = p;
    }
    List<Row> out = new ArrayList<>(records.size() - 1);
    for (int r = 1; r < records.size(); r++) {
      String[] rec = records.get(r);
      if (rec.length == 1 && (rec[0] == null || rec[0].isBlank())) {
        continue; // a blank line
      }
      Object[] values = new Object[fields.length];
      for (int c = 0; c < fields.length; c++) {
        String text = at[c] < rec.length && rec[at[c]] != null ? rec[at[c]].trim() : "";
        try {
          values[c] = text.isEmpty() ? null : parse(text, fields[c].dataType());
        } catch (RuntimeException e) {
          throw EtlException.badInput(
              String.format(
                  "dimension file %s, data row %d: column '%s' value '%s' is not a %s",
                  file, r, fields[c].name(), text, fields[c].dataType().simpleString()),
              e);
        }
      }
      out.add(RowFactory.create(values));
    }
    return out;
  }

  /** Duplicated ids named in the message at most; a whole file listed twice stays one line. */
  private static final int MAX_NAMED = 10;

  /**
   * Stops the run when a non-null {@code key} value (compared exactly, like silver's and gold's
   * joins) is on more than one row: which of two rows describes the compressor or station would be
   * a guess.
   */
  public static void requireUnique(List<Row> rows, StructType schema, String key, String file) {
    int at = schema.fieldIndex(key);
    Set<Object> seen = new HashSet<>();
    Set<Object> twice = new LinkedHashSet<>();
    for (Row r : rows) {
      Object id = r.get(at);
      if (id != null && !seen.add(id)) {
        twice.add(id);
      }
    }
    if (twice.isEmpty()) {
      return;
    }
    List<String> named = twice.stream().limit(MAX_NAMED).map(String::valueOf).toList();
    String more = twice.size() > MAX_NAMED ? " and " + (twice.size() - MAX_NAMED) + " more" : "";
    throw EtlException.badInput(
        "dimension file "
            + file
            + " lists "
            + key
            + " "
            + String.join(", ", named)
            + more
            + " more than once",
        null);
  }

  static Object parse(String text, DataType type) {
    if (type.equals(DataTypes.StringType)) {
      return text;
    }
    if (type.equals(DataTypes.DoubleType)) {
      return Double.valueOf(text);
    }
    if (type.equals(DataTypes.DateType)) {
      return Date.valueOf(LocalDate.parse(text));
    }
    if (type.equals(DataTypes.TimestampType)) {
      return Timestamp.from(instant(text));
    }
    throw new IllegalArgumentException("no parser for " + type.simpleString());
  }

  /** ISO-8601 with zone or offset; a local date-time without one is UTC (the data contract). */
  private static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e2) {
        return LocalDateTime.parse(text, SPACE_SEPARATED).toInstant(ZoneOffset.UTC);
      }
    }
  }
}
