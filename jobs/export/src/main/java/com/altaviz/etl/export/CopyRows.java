package com.altaviz.etl.export;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Encodes rows as COPY … (FORMAT csv) lines: strings always quoted (so an empty string is not
 * null), null as an empty unquoted field, timestamps as ISO-8601 UTC instants (timestamptz),
 * doubles in Java's shortest round-trip form (PostgreSQL reads NaN and Infinity as well).
 */
public final class CopyRows {
  private CopyRows() {}

  public static void appendLine(StringBuilder out, Object[] values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      appendValue(out, values[i]);
    }
    out.append('\n');
  }

  static void appendValue(StringBuilder out, Object v) {
    if (v == null) {
      return;
    }
    if (v instanceof String s) {
      out.append('"').append(s.replace("\"", "\"\"")).append('"');
    } else if (v instanceof Timestamp t) {
      out.append(t.toInstant());
    } else if (v instanceof Instant i) {
      out.append(i);
    } else if (v instanceof java.sql.Date d) {
      out.append(d.toLocalDate());
    } else if (v instanceof LocalDate d) {
      out.append(d);
    } else if (v instanceof BigDecimal b) {
      out.append(b.toPlainString());
    } else if (v instanceof Number || v instanceof Boolean) {
      out.append(v);
    } else {
      throw new IllegalArgumentException("cannot COPY a " + v.getClass().getName());
    }
  }
}
