package com.altaviz.etl.gold;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.xerial.snappy.Snappy;

/**
 * One optional (nullable) Parquet column being buffered for {@link GoldFileWriter}: null flags
 * and the PLAIN encoding of the non-null values, written as one Snappy-compressed data page per
 * row group with its min/max statistics (which readers' page and row-group filters rely on).
 * The file-wide min/max and null count accumulate for Delta's statistics.
 */
abstract class ParquetColumn {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle DOUBLES =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final ColumnDescriptor descriptor;
  private final boolean[] isNull;
  byte[] values = new byte[1 << 16];
  int pos;
  private int size;
  private int nulls;
  private long fileNulls;
  private Comparable<Object> fileMin;
  private Comparable<Object> fileMax;
  private byte[] page = new byte[0];
  private byte[] compressed = new byte[0];

  private ParquetColumn(ColumnDescriptor descriptor, int capacity) {
    this.descriptor = descriptor;
    this.isNull = new boolean[capacity];
  }

  /** Spark's Parquet schema for these types: optional columns, strings as UTF-8 binaries. */
  static MessageType schema(StructType schema) {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (StructField f : schema.fields()) {
      DataType t = f.dataType();
      if (t.equals(DataTypes.DoubleType)) {
        b.optional(PrimitiveTypeName.DOUBLE).named(f.name());
      } else if (t.equals(DataTypes.LongType)) {
        b.optional(PrimitiveTypeName.INT64).named(f.name());
      } else if (t.equals(DataTypes.TimestampType)) {
        b.optional(PrimitiveTypeName.INT64)
            .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
            .named(f.name());
      } else if (t.equals(DataTypes.IntegerType)) {
        b.optional(PrimitiveTypeName.INT32).named(f.name());
      } else if (t.equals(DataTypes.BooleanType)) {
        b.optional(PrimitiveTypeName.BOOLEAN).named(f.name());
      } else if (t.equals(DataTypes.StringType)) {
        b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(f.name());
      } else {
        throw new IllegalArgumentException("no Parquet column writer for " + t);
      }
    }
    return b.named("spark_schema");
  }

  /** A buffer for column {@code d} (of {@link #schema}) holding up to {@code capacity} rows. */
  static ParquetColumn of(ColumnDescriptor d, int capacity) {
    return switch (d.getPrimitiveType().getPrimitiveTypeName()) {
      case DOUBLE -> new DoubleColumn(d, capacity);
      case INT64 -> new IntegralColumn(d, capacity, 8);
      case INT32 -> new IntegralColumn(d, capacity, 4);
      case BOOLEAN -> new BooleanColumn(d, capacity);
      case BINARY -> new StringColumn(d, capacity);
      default -> throw new IllegalArgumentException("no Parquet column writer for " + d);
    };
  }

  final void append(InternalRow row, int ordinal) {
    if (row.isNullAt(ordinal)) {
      isNull[size++] = true;
      nulls++;
    } else {
      isNull[size++] = false;
      appendValue(row, ordinal);
    }
  }

  abstract void appendValue(InternalRow row, int ordinal);

  /** The buffered page's min/max into {@code s}; true when there were values. */
  abstract boolean bounds(Statistics<?> s);

  /** The buffered page's min and max as Java values, for the file-wide bounds. */
  abstract Comparable<?>[] javaBounds();

  abstract void resetValues();

  /** Smallest non-null value of the file so far (Long, Double, Boolean, UTF8String) or null. */
  Object fileMin() {
    return fileMin;
  }

  Object fileMax() {
    return fileMax;
  }

  long fileNulls() {
    return fileNulls;
  }

  final void ensure(int extra) {
    if (pos + extra > values.length) {
      values = Arrays.copyOf(values, Math.max(values.length * 2, pos + extra));
    }
  }

  /** Writes the buffered rows as one column chunk of one data page, then resets the buffer. */
  @SuppressWarnings("unchecked")
  final void writeChunk(ParquetFileWriter w) throws IOException {
    byte[] levels = definitionLevels();
    int length = levels.length + pos;
    if (page.length < length) {
      page = new byte[length];
      compressed = new byte[Snappy.maxCompressedLength(length)];
    }
    System.arraycopy(levels, 0, page, 0, levels.length);
    System.arraycopy(values, 0, page, levels.length, pos);
    int compressedLength = Snappy.compress(page, 0, length, compressed, 0);
    Statistics<?> stats = Statistics.createStats(descriptor.getPrimitiveType());
    if (bounds(stats)) {
      Comparable<?>[] b = javaBounds();
      if (fileMin == null || fileMin.compareTo(b[0]) > 0) {
        fileMin = (Comparable<Object>) b[0];
      }
      if (fileMax == null || fileMax.compareTo(b[1]) < 0) {
        fileMax = (Comparable<Object>) b[1];
      }
    }
    stats.incrementNumNulls(nulls);
    fileNulls += nulls;
    w.startColumn(descriptor, size, CompressionCodecName.SNAPPY);
    w.writeDataPage(
        size, length, BytesInput.from(compressed, 0, compressedLength), stats, size,
        Encoding.BIT_PACKED, Encoding.RLE, Encoding.PLAIN);
    w.endColumn();
    size = 0;
    nulls = 0;
    pos = 0;
    resetValues();
  }

  /** Definition levels (1 = value present) as a length-prefixed RLE/bit-packed hybrid run. */
  private byte[] definitionLevels() throws IOException {
    byte[] rle;
    if (nulls == 0) {
      // one RLE run of `size` ones: varint header (size << 1), then the value in one byte
      byte[] run = new byte[6];
      int n = 0;
      long header = (long) size << 1;
      while ((header & ~0x7FL) != 0) {
        run[n++] = (byte) ((header & 0x7F) | 0x80);
        header >>>= 7;
      }
      run[n++] = (byte) header;
      run[n++] = 1;
      rle = Arrays.copyOf(run, n);
    } else {
      RunLengthBitPackingHybridEncoder e =
          new RunLengthBitPackingHybridEncoder(
              1, 1024, 1 << 20, HeapByteBufferAllocator.getInstance());
      for (int i = 0; i < size; i++) {
        e.writeInt(isNull[i] ? 0 : 1);
      }
      rle = e.toBytes().toByteArray();
      e.close();
    }
    byte[] out = new byte[4 + rle.length];
    INTS.set(out, 0, rle.length);
    System.arraycopy(rle, 0, out, 4, rle.length);
    return out;
  }

  private static final class DoubleColumn extends ParquetColumn {
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    DoubleColumn(ColumnDescriptor d, int capacity) {
      super(d, capacity);
    }

    @Override
    void appendValue(InternalRow row, int ordinal) {
      double v = row.getDouble(ordinal);
      ensure(8);
      DOUBLES.set(values, pos, v);
      pos += 8;
      // as parquet-mr's own writer: a NaN makes the bounds NaN, which drops the column index
      min = Math.min(min, v);
      max = Math.max(max, v);
    }

    @Override
    boolean bounds(Statistics<?> s) {
      if (pos == 0) {
        return false;
      }
      s.updateStats(min);
      s.updateStats(max);
      return true;
    }

    @Override
    Comparable<?>[] javaBounds() {
      return new Comparable<?>[] {min, max};
    }

    @Override
    void resetValues() {
      min = Double.POSITIVE_INFINITY;
      max = Double.NEGATIVE_INFINITY;
    }
  }

  /** INT64 (bigint, timestamp) or INT32 values, by byte width. */
  private static final class IntegralColumn extends ParquetColumn {
    private final boolean wide;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    IntegralColumn(ColumnDescriptor d, int capacity, int width) {
      super(d, capacity);
      this.wide = width == 8;
    }

    @Override
    void appendValue(InternalRow row, int ordinal) {
      long v;
      if (wide) {
        v = row.getLong(ordinal);
        ensure(8);
        LONGS.set(values, pos, v);
        pos += 8;
      } else {
        v = row.getInt(ordinal);
        ensure(4);
        INTS.set(values, pos, (int) v);
        pos += 4;
      }
      min = Math.min(min, v);
      max = Math.max(max, v);
    }

    @Override
    boolean bounds(Statistics<?> s) {
      if (pos == 0) {
        return false;
      }
      if (wide) {
        s.updateStats(min);
        s.updateStats(max);
      } else {
        s.updateStats((int) min);
        s.updateStats((int) max);
      }
      return true;
    }

    @Override
    Comparable<?>[] javaBounds() {
      return new Comparable<?>[] {min, max};
    }

    @Override
    void resetValues() {
      min = Long.MAX_VALUE;
      max = Long.MIN_VALUE;
    }
  }

  /** PLAIN booleans are bit-packed, least significant bit first. */
  private static final class BooleanColumn extends ParquetColumn {
    private int count;
    private boolean sawFalse;
    private boolean sawTrue;

    BooleanColumn(ColumnDescriptor d, int capacity) {
      super(d, capacity);
    }

    @Override
    void appendValue(InternalRow row, int ordinal) {
      ensure(1);
      if (row.getBoolean(ordinal)) {
        values[count >>> 3] |= (byte) (1 << (count & 7));
        sawTrue = true;
      } else {
        sawFalse = true;
      }
      count++;
      pos = (count + 7) >>> 3;
    }

    @Override
    boolean bounds(Statistics<?> s) {
      if (sawFalse) {
        s.updateStats(false);
      }
      if (sawTrue) {
        s.updateStats(true);
      }
      return count > 0;
    }

    @Override
    Comparable<?>[] javaBounds() {
      return new Comparable<?>[] {!sawFalse, sawTrue};
    }

    @Override
    void resetValues() {
      Arrays.fill(values, 0, (count + 7) >>> 3, (byte) 0);
      count = 0;
      sawFalse = false;
      sawTrue = false;
    }
  }

  /** PLAIN byte arrays: 4-byte little-endian length, then the UTF-8 bytes. */
  private static final class StringColumn extends ParquetColumn {
    private UTF8String min;
    private UTF8String max;

    StringColumn(ColumnDescriptor d, int capacity) {
      super(d, capacity);
    }

    @Override
    void appendValue(InternalRow row, int ordinal) {
      UTF8String v = row.getUTF8String(ordinal);
      int n = v.numBytes();
      ensure(4 + n);
      INTS.set(values, pos, n);
      v.writeToMemory(values, Platform.BYTE_ARRAY_OFFSET + pos + 4);
      pos += 4 + n;
      // rows may be reused buffers: keep copies, made only when a bound moves
      if (min == null || v.compareTo(min) < 0) {
        min = v.copy();
      }
      if (max == null || v.compareTo(max) > 0) {
        max = v.copy();
      }
    }

    @Override
    boolean bounds(Statistics<?> s) {
      if (min == null) {
        return false;
      }
      s.updateStats(Binary.fromConstantByteArray(min.getBytes()));
      s.updateStats(Binary.fromConstantByteArray(max.getBytes()));
      return true;
    }

    @Override
    Comparable<?>[] javaBounds() {
      return new Comparable<?>[] {min, max}; // copies already; compared as UTF-8 bytes

    }

    @Override
    void resetValues() {
      min = null;
      max = null;
    }
  }
}
