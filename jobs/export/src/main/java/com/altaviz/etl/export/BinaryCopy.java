package com.altaviz.etl.export;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Spark rows → PostgreSQL's binary COPY format, encoded on the executors in chunks of about 256 KiB.
 * The driver only forwards bytes, one partition at a time: a week of aggregates at 4,500
 * compressors (~1M rows) streams through in bounded memory, and PostgreSQL does not parse 30M
 * numbers from text. Column types map to the staging table's: string → text, double → float8, int →
 * integer, long → bigint, boolean → boolean, timestamp → timestamptz, date → date.
 */
public final class BinaryCopy {
  /** Signature, flags, header-extension length (PostgreSQL docs, "COPY … Binary Format"). */
  static final byte[] HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  /** A field count of -1 ends the data. */
  static final byte[] TRAILER = {(byte) 0xFF, (byte) 0xFF};

  /** Below G1's humongous-object size for a 2 GB heap (half a 1 MiB region). */
  private static final int CHUNK_BYTES = 256 * 1024;

  /** PostgreSQL timestamps and dates count from 2000-01-01. */
  private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

  private static final long PG_EPOCH_DAYS = LocalDate.of(2000, 1, 1).toEpochDay();

  private BinaryCopy() {}

  /** The rows of {@code df} as binary COPY tuples (no header/trailer), in chunks. */
  public static Dataset<byte[]> encode(Dataset<Row> df) {
    StructField[] fields = df.schema().fields();
    DataType[] types = new DataType[fields.length];
    for (int i = 0; i < fields.length; i++) {
      types[i] = fields[i].dataType();
      if (!supported(types[i])) {
        throw new IllegalArgumentException(
            "no binary COPY encoding for " + fields[i].name() + " " + types[i]);
      }
    }
    return df.mapPartitions(
        (MapPartitionsFunction<Row, byte[]>) rows -> new Chunks(rows, types), Encoders.BINARY());
  }

  private static boolean supported(DataType t) {
    return t.equals(DataTypes.StringType)
        || t.equals(DataTypes.DoubleType)
        || t.equals(DataTypes.IntegerType)
        || t.equals(DataTypes.LongType)
        || t.equals(DataTypes.BooleanType)
        || t.equals(DataTypes.TimestampType)
        || t.equals(DataTypes.DateType);
  }

  /** Encodes rows into chunks of about {@link #CHUNK_BYTES}. */
  private static final class Chunks implements Iterator<byte[]> {
    private final Iterator<Row> rows;
    private final DataType[] types;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(CHUNK_BYTES + 4096);
    private final DataOutputStream out = new DataOutputStream(buf);

    Chunks(Iterator<Row> rows, DataType[] types) {
      this.rows = rows;
      this.types = types;
    }

    @Override
    public boolean hasNext() {
      return rows.hasNext();
    }

    @Override
    public byte[] next() {
      if (!rows.hasNext()) {
        throw new NoSuchElementException();
      }
      buf.reset();
      try {
        while (rows.hasNext() && buf.size() < CHUNK_BYTES) {
          tuple(rows.next());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return buf.toByteArray();
    }

    private void tuple(Row r) throws IOException {
      out.writeShort(types.length);
      for (int i = 0; i < types.length; i++) {
        if (r.isNullAt(i)) {
          out.writeInt(-1);
          continue;
        }
        DataType t = types[i];
        if (t.equals(DataTypes.StringType)) {
          byte[] b = r.getString(i).getBytes(StandardCharsets.UTF_8);
          out.writeInt(b.length);
          out.write(b);
        } else if (t.equals(DataTypes.DoubleType)) {
          out.writeInt(8);
          out.writeDouble(r.getDouble(i));
        } else if (t.equals(DataTypes.IntegerType)) {
          out.writeInt(4);
          out.writeInt(r.getInt(i));
        } else if (t.equals(DataTypes.LongType)) {
          out.writeInt(8);
          out.writeLong(r.getLong(i));
        } else if (t.equals(DataTypes.BooleanType)) {
          out.writeInt(1);
          out.writeByte(r.getBoolean(i) ? 1 : 0);
        } else if (t.equals(DataTypes.TimestampType)) {
          out.writeInt(8);
          out.writeLong(micros(r.get(i)) - PG_EPOCH_MICROS);
        } else {
          out.writeInt(4);
          out.writeInt((int) (days(r.get(i)) - PG_EPOCH_DAYS));
        }
      }
    }

    private static long micros(Object ts) {
      Instant i = ts instanceof Instant in ? in : ((Timestamp) ts).toInstant();
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
    }

    private static long days(Object d) {
      return (d instanceof LocalDate l ? l : ((Date) d).toLocalDate()).toEpochDay();
    }
  }
}
