package com.altaviz.etl.simulator;

import java.util.List;

/** A small table rendered as RFC 4180 CSV with a header row (dimension files of the landing). */
public record CsvTable(List<String> header, List<List<String>> rows) {
  public CsvTable {
    for (List<String> r : rows) {
      if (r.size() != header.size()) {
        throw new IllegalArgumentException("row " + r + " does not match header " + header);
      }
    }
  }

  public String render() {
    StringBuilder sb = new StringBuilder();
    line(sb, header);
    rows.forEach(r -> line(sb, r));
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(quote(fields.get(i)));
    }
    sb.append('\n');
  }

  /** Quotes a field only when it must be; our own texts avoid commas and quotes anyway. */
  static String quote(String s) {
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }
}
