package com.altaviz.etl.gold;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.package$;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.SerializableConfiguration;
import org.xerial.snappy.Snappy;

/**
 * Task side of gold's write: the feature rows of one partition ({@link GoldSchema#OUTPUT}) →
 * one Parquet file per output date under the table directory, for {@link GoldCommit} to commit.
 *
 * <p>Why not Spark's writer: for gold's 38 stored columns it spent about 20 of a run's 50 CPU-s
 * (row-at-a-time record consumer, a projection per row, per-value encoder calls). Here each
 * column is PLAIN-encoded into a byte array as rows arrive and a row group is one page per
 * column, compressed with Snappy in one call. Files are ordinary Parquet (what Spark writes for
 * this schema: optional columns, INT64 microsecond UTC timestamps, min/max statistics for every
 * page), readable by Spark, delta-rs, pyarrow and DuckDB.
 */
final class GoldFileWriter implements FlatMapFunction<Iterator<InternalRow>, GoldFileWriter.File> {
  private static final long serialVersionUID = 1L;
  /** Rows per row group: about 10 MB of buffers per open date file. */
  static final int ROW_GROUP_ROWS = 32_768;
  /** Delta keeps string statistics up to this length; longer strings get none here. */
  private static final int MAX_STRING_STAT = 32;
  private static final int DATE = GoldSchema.index("date");
  private static final StructType STORED = stored();
  private static final MessageType PARQUET = parquetSchema(STORED);

  private final String tableDir;
  private final Broadcast<SerializableConfiguration> hadoopConf;

  /**
   * One written file: path relative to the table, its date partition and Delta statistics
   * (numRecords plus min, max and null count of {@link GoldSettings#STATS_COLUMNS}).
   */
  record File(String path, String date, long size, long modificationTime, long rows, String stats)
      implements Serializable {}

  GoldFileWriter(String tableDir, Broadcast<SerializableConfiguration> hadoopConf) {
    this.tableDir = tableDir;
    this.hadoopConf = hadoopConf;
  }

  @Override
  public Iterator<File> call(Iterator<InternalRow> rows) throws IOException {
    Configuration conf = hadoopConf.value().value();
    Map<Integer, DateFile> open = new LinkedHashMap<>();
    try {
      int lastDay = Integer.MIN_VALUE;
      DateFile current = null;
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        int day = row.getInt(DATE);
        if (current == null || day != lastDay) {
          current = open.get(day);
          if (current == null) {
            current = new DateFile(conf, day);
            open.put(day, current);
          }
          lastDay = day;
        }
        current.append(row);
      }
      List<File> written = new ArrayList<>(open.size());
      for (DateFile f : open.values()) {
        written.add(f.close());
      }
      return written.iterator();
    } catch (IOException | RuntimeException e) {
      // files not committed are invisible to readers; removing them is tidiness (VACUUM would)
      for (DateFile f : open.values()) {
        f.abort();
      }
      throw e;
    }
  }

  /** The rows of one date: buffered columns, flushed as a row group every ROW_GROUP_ROWS. */
  private final class DateFile {
    private final String date;
    private final String relative;
    private final Path path;
    private final Configuration conf;
    private final Column[] columns = new Column[STORED.size()];
    private final int[] ordinals = new int[STORED.size()];
    private ParquetFileWriter writer;
    private int buffered;
    private long rows;

    DateFile(Configuration conf, int day) {
      this.conf = conf;
      this.date = LocalDate.ofEpochDay(day).toString();
      this.relative =
          "date=" + date + "/" + String.format("part-%05d-%s.c000.snappy.parquet",
              TaskContext.getPartitionId(), UUID.randomUUID());
      this.path = new Path(tableDir, relative);
      for (int c = 0; c < columns.length; c++) {
        StructField f = STORED.fields()[c];
        ordinals[c] = GoldSchema.index(f.name());
        columns[c] = Column.of(f.dataType(), PARQUET.getColumns().get(c));
      }
    }

    void append(InternalRow row) throws IOException {
      for (int c = 0; c < columns.length; c++) {
        columns[c].append(row, ordinals[c]);
      }
      if (++buffered == ROW_GROUP_ROWS) {
        flush();
      }
    }

    private void flush() throws IOException {
      if (buffered == 0) {
        return;
      }
      if (writer == null) {
        writer =
            new ParquetFileWriter(
                HadoopOutputFile.fromPath(path, conf), PARQUET, ParquetFileWriter.Mode.CREATE,
                128L << 20, 0, 64, Integer.MAX_VALUE, false);
        writer.start();
      }
      writer.startBlock(buffered);
      for (Column c : columns) {
        c.writeChunk(writer);
      }
      writer.endBlock();
      rows += buffered;
      buffered = 0;
    }

    File close() throws IOException {
      flush();
      writer.end(
          Map.of(
              // Spark reads its schema from here (exact types) and knows the file uses the
              // proleptic Gregorian calendar of Spark 3 (no datetime rebasing)
              "org.apache.spark.sql.parquet.row.metadata", STORED.json(),
              "org.apache.spark.version", package$.MODULE$.SPARK_VERSION()));
      FileStatus status = FileSystem.get(path.toUri(), conf).getFileStatus(path);
      return new File(
          relative, date, status.getLen(), status.getModificationTime(), rows, deltaStats());
    }

    void abort() {
      try {
        FileSystem.get(path.toUri(), conf).delete(path, false);
      } catch (IOException | RuntimeException ignored) {
        // the task's own failure is the one to report
      }
    }

    /** Delta's per-file statistics JSON, in the format Delta's writer uses. */
    private String deltaStats() throws IOException {
      Map<String, Object> min = new LinkedHashMap<>();
      Map<String, Object> max = new LinkedHashMap<>();
      Map<String, Object> nulls = new LinkedHashMap<>();
      for (String name : GoldSettings.STATS_COLUMNS.split(",")) {
        Column c = columns[STORED.fieldIndex(name)];
        nulls.put(name, c.fileNulls);
        if (c.fileMin != null) {
          min.put(name, c.fileMin);
          max.put(name, c.fileMax);
        }
      }
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("numRecords", rows);
      stats.put("minValues", min);
      stats.put("maxValues", max);
      stats.put("nullCount", nulls);
      return new ObjectMapper().writeValueAsString(stats);
    }
  }

  /**
   * One column's buffered page: null flags, PLAIN-encoded non-null values and their min/max.
   * File-level min/max (as Delta statistics values) accumulate across row groups.
   */
  private abstract static class Column {
    static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle DOUBLES =
        MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INTS =
        MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    final ColumnDescriptor descriptor;
    final boolean[] isNull = new boolean[ROW_GROUP_ROWS];
    byte[] values = new byte[1 << 16];
    int pos;
    int size;
    int nulls;
    long fileNulls;
    Object fileMin;
    Object fileMax;
    private byte[] page = new byte[0];
    private byte[] compressed = new byte[0];

    Column(ColumnDescriptor descriptor) {
      this.descriptor = descriptor;
    }

    static Column of(DataType type, ColumnDescriptor d) {
      if (type.equals(DataTypes.DoubleType)) {
        return new DoubleColumn(d);
      }
      if (type.equals(DataTypes.LongType) || type.equals(DataTypes.TimestampType)) {
        return new LongColumn(d, type.equals(DataTypes.TimestampType));
      }
      if (type.equals(DataTypes.IntegerType)) {
        return new IntColumn(d);
      }
      if (type.equals(DataTypes.BooleanType)) {
        return new BooleanColumn(d);
      }
      if (type.equals(DataTypes.StringType)) {
        return new StringColumn(d);
      }
      throw new IllegalArgumentException("no Parquet column writer for " + type);
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

    /** Page statistics of the buffered values; also folds them into the file's min/max. */
    abstract Statistics<?> statistics();

    /** Bytes of PLAIN values, after any final packing. */
    int valueBytes() {
      return pos;
    }

    abstract void resetValues();

    final void ensure(int extra) {
      if (pos + extra > values.length) {
        values = Arrays.copyOf(values, Math.max(values.length * 2, pos + extra));
      }
    }

    /** Writes the buffered values as one column chunk of one data page, then resets. */
    final void writeChunk(ParquetFileWriter w) throws IOException {
      byte[] levels = definitionLevels();
      int valueBytes = valueBytes();
      int length = levels.length + valueBytes;
      if (page.length < length) {
        page = new byte[length];
        compressed = new byte[Snappy.maxCompressedLength(length)];
      }
      System.arraycopy(levels, 0, page, 0, levels.length);
      System.arraycopy(values, 0, page, levels.length, valueBytes);
      int compressedLength = Snappy.compress(page, 0, length, compressed, 0);
      Statistics<?> stats = statistics();
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

    /** Definition levels (1 = value present) as a length-prefixed RLE/bit-packed run. */
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
            new RunLengthBitPackingHybridEncoder(1, 1024, 1 << 20, HeapByteBufferAllocator.getInstance());
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

    final boolean hasValues() {
      return size > nulls;
    }
  }

  private static final class DoubleColumn extends Column {
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    DoubleColumn(ColumnDescriptor d) {
      super(d);
    }

    @Override
    void appendValue(InternalRow row, int ordinal) {
      double v = row.getDouble(ordinal);
      ensure(8);
      DOUBLES.set(values, pos, v);
      pos += 8;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }

    @Override
    Statistics<?> statistics() {
      Statistics<?> s = Statistics.createStats(descriptor.getPrimitiveType());
      if (hasValues()) {
        s.updateStats(min);
        s.updateStats(max);
      }
      return s;
    }

    @Override
    void resetValues() {
      min = Double.POSITIVE_INFINITY;
      max = Double.NEGATIVE_INFINITY;
    }
  }

  private static final class LongColumn extends Column {
    private static final DateTimeFormatter MILLIS =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
    private final boolean timestamp;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    LongColumn(ColumnDescriptor d, boolean timestamp) {
      super(d);
      this.timestamp = timestamp;
    }

    @Override
    void appendValue(InternalRow row, int ordinal) {
      long v = row.getLong(ordinal);
      ensure(8);
      LONGS.set(values, pos, v);
      pos += 8;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }

    @Override
    Statistics<?> statistics() {
      Statistics<?> s = Statistics.createStats(descriptor.getPrimitiveType());
      if (hasValues()) {
        s.updateStats(min);
        s.updateStats(max);
        if (timestamp) {
          // Delta's timestamp statistics: milliseconds (truncated), UTC
          String lo = MILLIS.format(Instant.EPOCH.plusMillis(Math.floorDiv(min, 1000)));
          String hi = MILLIS.format(Instant.EPOCH.plusMillis(Math.floorDiv(max, 1000)));
          fileMin = fileMin == null || lo.compareTo((String) fileMin) < 0 ? lo : fileMin;
          fileMax = fileMax == null || hi.compareTo((String) fileMax) > 0 ? hi : fileMax;
        }
      }
      return s;
    }

    @Override
    void resetValues() {
      min = Long.MAX_VALUE;
      max = Long.MIN_VALUE;
    }
  }

  private static final class IntColumn extends Column {
    private int min = Integer.MAX_VALUE;
    private int max = Integer.MIN_VALUE;

    IntColumn(ColumnDescriptor d) {
      super(d);
    }

    @Override
    void appendValue(InternalRow row, int ordinal) {
      int v = row.getInt(ordinal);
      ensure(4);
      INTS.set(values, pos, v);
      pos += 4;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }

    @Override
    Statistics<?> statistics() {
      Statistics<?> s = Statistics.createStats(descriptor.getPrimitiveType());
      if (hasValues()) {
        s.updateStats(min);
        s.updateStats(max);
      }
      return s;
    }

    @Override
    void resetValues() {
      min = Integer.MAX_VALUE;
      max = Integer.MIN_VALUE;
    }
  }

  /** PLAIN booleans are bit-packed, least significant bit first. */
  private static final class BooleanColumn extends Column {
    private int count;
    private boolean sawFalse;
    private boolean sawTrue;

    BooleanColumn(ColumnDescriptor d) {
      super(d);
    }

    @Override
    void appendValue(InternalRow row, int ordinal) {
      boolean v = row.getBoolean(ordinal);
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
    Statistics<?> statistics() {
      Statistics<?> s = Statistics.createStats(descriptor.getPrimitiveType());
      if (sawFalse) {
        s.updateStats(false);
      }
      if (sawTrue) {
        s.updateStats(true);
      }
      return s;
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
  private static final class StringColumn extends Column {
    private UTF8String min;
    private UTF8String max;

    StringColumn(ColumnDescriptor d) {
      super(d);
    }

    @Override
    void appendValue(InternalRow row, int ordinal) {
      UTF8String v = row.getUTF8String(ordinal);
      int n = v.numBytes();
      ensure(4 + n);
      INTS.set(values, pos, n);
      v.writeToMemory(values, Platform.BYTE_ARRAY_OFFSET + pos + 4);
      pos += 4 + n;
      // rows may be reused buffers: keep copies, made only when the bound moves
      if (min == null || v.compareTo(min) < 0) {
        min = v.copy();
      }
      if (max == null || v.compareTo(max) > 0) {
        max = v.copy();
      }
    }

    @Override
    Statistics<?> statistics() {
      Statistics<?> s = Statistics.createStats(descriptor.getPrimitiveType());
      if (hasValues()) {
        s.updateStats(Binary.fromConstantByteArray(min.getBytes()));
        s.updateStats(Binary.fromConstantByteArray(max.getBytes()));
        String lo = min.toString();
        String hi = max.toString();
        if (lo.length() <= MAX_STRING_STAT && hi.length() <= MAX_STRING_STAT) {
          fileMin = fileMin == null || min.compareTo(UTF8String.fromString((String) fileMin)) < 0
              ? lo : fileMin;
          fileMax = fileMax == null || max.compareTo(UTF8String.fromString((String) fileMax)) > 0
              ? hi : fileMax;
        }
      }
      return s;
    }

    @Override
    void resetValues() {
      min = null;
      max = null;
    }
  }

  private static StructType stored() {
    StructType s = new StructType();
    for (StructField f : GoldSchema.OUTPUT.fields()) {
      if (!f.name().equals("date")) {
        s = s.add(f);
      }
    }
    return s;
  }

  /** Spark's Parquet schema for these types: optional columns, strings as UTF-8 binaries. */
  private static MessageType parquetSchema(StructType schema) {
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
        throw new IllegalArgumentException("no Parquet type for " + t);
      }
    }
    return b.named("spark_schema");
  }
}
