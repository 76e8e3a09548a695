package com.altaviz.etl.gold;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.xerial.snappy.Snappy;

/**
 * One optional (nullable) Parquet column being buffered for {@link GoldFileWriter}: null flags
 * and the encoded non-null values (PLAIN; strings by dictionary), one Snappy-compressed page per
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

  /** Bulk appends of a column slice (FeatureBlock): each type overrides those it stores. */
  void appendDoubles(double[] v, int from, int to) {
    throw unsupported();
  }

  void appendLongs(long[] v, int from, int to) {
    throw unsupported();
  }

  void appendInts(int[] v, int from, int to) {
    throw unsupported();
  }

  void appendBooleans(boolean[] v, int from, int to) {
    throw unsupported();
  }

  /** Status levels: {@code labels[code]}, a negative code is null. */
  void appendLevels(byte[] codes, UTF8String[] labels, int from, int to) {
    throw unsupported();
  }

  /** {@code n} times the same string, or {@code n} nulls. */
  void appendConstant(UTF8String v, int n) {
    throw unsupported();
  }

  private UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException("wrong value type for Parquet column " + descriptor);
  }

  final void addNull() {
    isNull[size++] = true;
    nulls++;
  }

  final void addPresent() {
    isNull[size++] = false;
  }

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

  /** Called before the page is assembled: a column may re-encode its values in place. */
  void encodeValues() throws IOException {}

  /** Writes the chunk's dictionary page, for a column whose values index one. */
  void writeDictionaryPage(ParquetFileWriter w) throws IOException {}

  Encoding valuesEncoding() {
    return Encoding.PLAIN;
  }

  /** Writes the buffered rows as one column chunk of one data page, then resets the buffer. */
  @SuppressWarnings("unchecked")
  final void writeChunk(ParquetFileWriter w) throws IOException {
    encodeValues();
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
    writeDictionaryPage(w);
    w.writeDataPage(
        size, length, BytesInput.from(compressed, 0, compressedLength), stats, size,
        Encoding.BIT_PACKED, Encoding.RLE, valuesEncoding());
    w.endColumn();
    size = 0;
    nulls = 0;
    pos = 0;
    resetValues();
  }

  /**
   * Definition levels (1 = value present), length-prefixed, as RLE runs only: a valid
   * RLE/bit-packed hybrid (varint run length << 1, then the value in one byte), compact for
   * gold's sparse nulls and one pass with no per-value encoder call.
   */
  private byte[] definitionLevels() {
    byte[] out = new byte[4 + 6 * Math.max(1, Math.min(size, 2 * nulls + 1))];
    int n = 4;
    for (int i = 0; i < size; ) {
      boolean value = isNull[i];
      int run = 1;
      while (i + run < size && isNull[i + run] == value) {
        run++;
      }
      for (long header = (long) run << 1; ; header >>>= 7) {
        if ((header & ~0x7FL) == 0) {
          out[n++] = (byte) header;
          break;
        }
        out[n++] = (byte) ((header & 0x7F) | 0x80);
      }
      out[n++] = (byte) (value ? 0 : 1);
      i += run;
    }
    INTS.set(out, 0, n - 4);
    return Arrays.copyOf(out, n);
  }

  private static final class DoubleColumn extends ParquetColumn {
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    DoubleColumn(ColumnDescriptor d, int capacity) {
      super(d, capacity);
    }

    /** NaN is null here (FeatureBlock's convention). */
    @Override
    void appendDoubles(double[] v, int from, int to) {
      ensure(8 * (to - from));
      for (int i = from; i < to; i++) {
        double x = v[i];
        if (Double.isNaN(x)) {
          addNull();
        } else {
          addPresent();
          DOUBLES.set(values, pos, x);
          pos += 8;
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
      }
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
    void appendLongs(long[] v, int from, int to) {
      ensure(8 * (to - from));
      for (int i = from; i < to; i++) {
        long x = v[i];
        addPresent();
        LONGS.set(values, pos, x);
        pos += 8;
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
    }

    @Override
    void appendInts(int[] v, int from, int to) {
      ensure(4 * (to - from));
      for (int i = from; i < to; i++) {
        int x = v[i];
        addPresent();
        INTS.set(values, pos, x);
        pos += 4;
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
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
    void appendBooleans(boolean[] v, int from, int to) {
      for (int i = from; i < to; i++) {
        addPresent();
        add(v[i]);
      }
    }

    private void add(boolean v) {
      ensure(1);
      if (v) {
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

  /**
   * Strings dictionary-encoded per row group, as parquet-mr does by default: a PLAIN dictionary
   * page, then each value as an RLE/bit-packed index. Gold's strings repeat (ids in long runs,
   * status labels, model, station, run id), so this writes a fraction of the bytes PLAIN would
   * and compares only the distinct values for the page bounds.
   */
  private static final class StringColumn extends ParquetColumn {
    private final Map<UTF8String, Integer> dictionary = new HashMap<>();
    private final List<UTF8String> entries = new ArrayList<>();
    private final int[] indices;
    private int count;
    private UTF8String last; // the dictionary's copy of the previous value, and its index
    private int lastIndex;
    private UTF8String lastArgument; // the object last passed in

    StringColumn(ColumnDescriptor d, int capacity) {
      super(d, capacity);
      indices = new int[capacity];
    }

    @Override
    void appendConstant(UTF8String v, int n) {
      if (v == null) {
        for (int i = 0; i < n; i++) {
          addNull();
        }
        return;
      }
      int index = index(v);
      for (int i = 0; i < n; i++) {
        addPresent();
        indices[count++] = index;
      }
    }

    @Override
    void appendLevels(byte[] codes, UTF8String[] labels, int from, int to) {
      for (int i = from; i < to; i++) {
        if (codes[i] < 0) {
          addNull();
        } else {
          addPresent();
          indices[count++] = index(labels[codes[i]]);
        }
      }
    }

    /** The dictionary index of {@code v}, added when new. */
    private int index(UTF8String v) {
      // callers pass strings they never change (FeatureBlock's constants and labels), over and
      // over: the same object is the same value
      if (v == lastArgument) {
        return lastIndex;
      }
      lastArgument = v;
      if (last == null || !last.equals(v)) {
        Integer known = dictionary.get(v);
        if (known == null) {
          known = entries.size();
          entries.add(v);
          dictionary.put(v, known);
        }
        lastIndex = known;
        last = entries.get(known);
      }
      return lastIndex;
    }

    @Override
    void encodeValues() throws IOException {
      if (count == 0) {
        return;
      }
      int width = Math.max(1, 32 - Integer.numberOfLeadingZeros(entries.size() - 1));
      RunLengthBitPackingHybridEncoder e =
          new RunLengthBitPackingHybridEncoder(
              width, 1024, 1 << 20, HeapByteBufferAllocator.getInstance());
      for (int i = 0; i < count; i++) {
        e.writeInt(indices[i]);
      }
      byte[] encoded = e.toBytes().toByteArray();
      e.close();
      ensure(1 + encoded.length);
      values[0] = (byte) width;
      System.arraycopy(encoded, 0, values, 1, encoded.length);
      pos = 1 + encoded.length;
    }

    @Override
    void writeDictionaryPage(ParquetFileWriter w) throws IOException {
      if (entries.isEmpty()) {
        return;
      }
      int length = 0;
      for (UTF8String v : entries) {
        length += 4 + v.numBytes();
      }
      byte[] plain = new byte[length];
      int at = 0;
      for (UTF8String v : entries) {
        INTS.set(plain, at, v.numBytes());
        v.writeToMemory(plain, Platform.BYTE_ARRAY_OFFSET + at + 4);
        at += 4 + v.numBytes();
      }
      byte[] compressed = Snappy.compress(plain);
      w.writeDictionaryPage(
          new DictionaryPage(
              BytesInput.from(compressed), length, entries.size(), Encoding.PLAIN_DICTIONARY));
    }

    @Override
    Encoding valuesEncoding() {
      return entries.isEmpty() ? Encoding.PLAIN : Encoding.PLAIN_DICTIONARY;
    }

    @Override
    boolean bounds(Statistics<?> s) {
      if (entries.isEmpty()) {
        return false;
      }
      Comparable<?>[] b = javaBounds();
      s.updateStats(Binary.fromConstantByteArray(((UTF8String) b[0]).getBytes()));
      s.updateStats(Binary.fromConstantByteArray(((UTF8String) b[1]).getBytes()));
      return true;
    }

    @Override
    Comparable<?>[] javaBounds() {
      UTF8String min = entries.get(0);
      UTF8String max = min;
      for (UTF8String v : entries) { // compared as UTF-8 bytes, as Parquet orders binaries
        min = v.compareTo(min) < 0 ? v : min;
        max = v.compareTo(max) > 0 ? v : max;
      }
      return new Comparable<?>[] {min, max};
    }

    @Override
    void resetValues() {
      dictionary.clear();
      entries.clear();
      count = 0;
      last = null;
      lastArgument = null;
    }
  }
}
