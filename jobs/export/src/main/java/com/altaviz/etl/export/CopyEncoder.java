package com.altaviz.etl.export;

import com.altaviz.etl.common.EtlException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * The one COPY encoder of the export: rows of a {@link PgTable} as {@code COPY … (FORMAT csv)}
 * lines, for the columns the database table really has.
 *
 * <p>It is built from the table as the database describes it ({@code information_schema.columns},
 * after the migrations): every column the export writes must exist there with the PostgreSQL type
 * of its Spark type, and every column it does not write must be nullable or have a default
 * (identity, operator columns). Otherwise the run stops before anything is written, with an error
 * that names the table and the column. The COPY column list follows the database's column order;
 * values are picked from the export's rows by name.
 *
 * <p>Encoding: strings always quoted (so an empty string is not null), null as an empty unquoted
 * field, timestamps as ISO-8601 UTC instants (timestamptz), doubles in Java's round-trip form
 * (PostgreSQL reads NaN and Infinity as well). Serializable: Spark tasks encode the aggregates.
 */
public final class CopyEncoder implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A column as {@code information_schema.columns} describes it. */
  public record DbColumn(String name, String type, boolean nullable, boolean hasDefault) {}

  private final String table;
  private final String[] copyColumns;
  private final int[] source;

  private CopyEncoder(String table, String[] copyColumns, int[] source) {
    this.table = table;
    this.copyColumns = copyColumns;
    this.source = source;
  }

  /** PostgreSQL's {@code information_schema} name of the type a Spark type is written as. */
  static String pgType(DataType t) {
    if (t.equals(DataTypes.StringType)) {
      return "text";
    } else if (t.equals(DataTypes.DoubleType)) {
      return "double precision";
    } else if (t.equals(DataTypes.IntegerType)) {
      return "integer";
    } else if (t.equals(DataTypes.LongType)) {
      return "bigint";
    } else if (t.equals(DataTypes.BooleanType)) {
      return "boolean";
    } else if (t.equals(DataTypes.TimestampType)) {
      return "timestamp with time zone";
    } else if (t.equals(DataTypes.DateType)) {
      return "date";
    }
    throw new IllegalArgumentException("no PostgreSQL column type for Spark type " + t);
  }

  /**
   * The columns of {@code relation} (a table name, resolved by the search path like any query:
   * temporary tables included), in column order; empty when there is no such table.
   */
  public static List<DbColumn> describe(Connection conn, String relation) throws SQLException {
    List<DbColumn> out = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            "SELECT c.column_name, c.data_type, c.is_nullable = 'YES',"
                + " c.column_default IS NOT NULL OR c.is_identity = 'YES'"
                + " FROM information_schema.columns c"
                + " JOIN pg_class r ON r.oid = to_regclass(?)"
                + " JOIN pg_namespace n ON n.oid = r.relnamespace"
                + " WHERE c.table_schema = n.nspname AND c.table_name = r.relname"
                + " ORDER BY c.ordinal_position")) {
      ps.setString(1, relation);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new DbColumn(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
        }
      }
    }
    return out;
  }

  /** The encoder of {@code t} as the database behind {@code conn} has it. */
  public static CopyEncoder read(Connection conn, PgTable t) throws SQLException {
    return of(t, describe(conn, t.name()));
  }

  /** The encoders of {@code tables}, by table name, checked against the database. */
  public static Map<String, CopyEncoder> readAll(Connection conn, List<PgTable> tables)
      throws SQLException {
    Map<String, CopyEncoder> out = new LinkedHashMap<>();
    for (PgTable t : tables) {
      out.put(t.name(), read(conn, t));
    }
    return out;
  }

  /**
   * Matches what the export writes into {@code t} with the table's columns {@code db} (in the
   * database's order). Throws {@link EtlException} (exit 2: the database and this jar disagree, a
   * retry cannot help) naming the first column that does not fit.
   */
  public static CopyEncoder of(PgTable t, List<DbColumn> db) {
    if (db.isEmpty()) {
      throw mismatch(t.name() + ": the database has no such table");
    }
    StructField[] fields = t.schema().fields();
    for (StructField f : fields) {
      DbColumn c = db.stream().filter(d -> d.name().equals(f.name())).findFirst().orElse(null);
      String writes = pgType(f.dataType());
      if (c == null) {
        throw mismatch(
            t.name()
                + "."
                + f.name()
                + ": the export writes "
                + writes
                + ", the database table has no such column");
      }
      if (!c.type().equals(writes)) {
        throw mismatch(
            t.name()
                + "."
                + f.name()
                + ": the export writes "
                + writes
                + ", the database column is "
                + c.type());
      }
    }
    List<String> order = new ArrayList<>();
    List<Integer> from = new ArrayList<>();
    List<String> written = t.columns();
    for (DbColumn c : db) {
      int i = written.indexOf(c.name());
      if (i >= 0) {
        order.add(c.name());
        from.add(i);
      } else if (!c.nullable() && !c.hasDefault()) {
        throw mismatch(
            t.name()
                + "."
                + c.name()
                + ": NOT NULL without a default, and the export does not"
                + " write it");
      }
    }
    return new CopyEncoder(
        t.name(),
        order.toArray(String[]::new),
        from.stream().mapToInt(Integer::intValue).toArray());
  }

  private static EtlException mismatch(String what) {
    return EtlException.badInput(
        "the PostgreSQL schema does not match this export: "
            + what
            + " (migrations in sql/ and ExportTables disagree)",
        null);
  }

  public String table() {
    return table;
  }

  /** The COPY column list, in the database's column order. */
  public List<String> columns() {
    return List.of(copyColumns);
  }

  /** {@code COPY target (columns) FROM STDIN (FORMAT csv)} into a table of this one's columns. */
  String copyStatement(String target) {
    return "COPY " + target + " (" + String.join(", ", copyColumns) + ") FROM STDIN (FORMAT csv)";
  }

  /** One line for {@code values}, given in the order of the table's {@link PgTable#schema}. */
  public void appendLine(StringBuilder out, Object[] values) {
    for (int i = 0; i < source.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      appendValue(out, values[source[i]]);
    }
    out.append('\n');
  }

  /** One line for a row whose fields are the table's {@link PgTable#schema}. */
  public void appendLine(StringBuilder out, Row row) {
    for (int i = 0; i < source.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      appendValue(out, row.get(source[i]));
    }
    out.append('\n');
  }

  static void appendValue(StringBuilder out, Object v) {
    if (v == null) {
      return;
    }
    if (v instanceof String s) {
      out.append('"');
      if (s.indexOf('"') < 0) {
        out.append(s);
      } else {
        out.append(s.replace("\"", "\"\""));
      }
      out.append('"');
    } else if (v instanceof Double d) {
      out.append(d.doubleValue());
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
