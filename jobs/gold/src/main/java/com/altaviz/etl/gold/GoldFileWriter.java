package com.altaviz.etl.gold;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.package$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.SerializableConfiguration;

/**
 * Task side of gold's write: the feature rows of one partition ({@link GoldSchema#OUTPUT}) →
 * one Parquet file per output date under the table directory, for {@link GoldCommit} to commit.
 *
 * <p>Why not Spark's writer: for gold's 38 stored columns it took about 11 s of a 4,500 x 7 run's
 * 27 s and 20 of its 55 CPU-s (a row-at-a-time record consumer, a projection per row, an
 * encoder call per value; bench/RESULTS.md). Here each column is encoded into a byte array as
 * rows arrive ({@link ParquetColumn}: PLAIN, strings by dictionary) and a row group is one
 * Snappy page per column (after a dictionary page for strings).
 * The files are the Parquet Spark writes for this schema (optional columns, INT64 microsecond
 * UTC timestamps, page min/max statistics), readable by Spark, delta-rs, pyarrow and DuckDB.
 */
final class GoldFileWriter
    implements FlatMapFunction<Iterator<FeaturePass.Readings>, GoldFileWriter.File> {
  private static final long serialVersionUID = 1L;
  /** Rows per row group: about 10 MB of buffers per open date file. */
  static final int ROW_GROUP_ROWS = 32_768;
  /** Delta keeps string statistics up to this length; longer strings get none here. */
  private static final int MAX_STRING_STAT = 32;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
  private static final StructType STORED = stored();
  private static final MessageType PARQUET = ParquetColumn.schema(STORED);

  private final FeaturePass features;
  private final String tableDir;
  private final Broadcast<SerializableConfiguration> hadoopConf;

  /**
   * One written file: path relative to the table, its date partition and Delta statistics
   * (numRecords plus min, max and null count of {@link GoldSettings#STATS_COLUMNS}).
   */
  record File(String path, String date, long size, long modificationTime, long rows, String stats)
      implements Serializable {}

  /** Writes the feature rows {@code features} computes from a partition of silver readings. */
  GoldFileWriter(
      FeaturePass features, String tableDir, Broadcast<SerializableConfiguration> hadoopConf) {
    this.features = features;
    this.tableDir = tableDir;
    this.hadoopConf = hadoopConf;
  }

  @Override
  public Iterator<File> call(Iterator<FeaturePass.Readings> silver) throws IOException {
    Configuration conf = hadoopConf.value().value();
    Map<Integer, DateFile> open = new LinkedHashMap<>();
    try {
      Iterator<FeatureBlock> blocks = features.blocks(silver);
      while (blocks.hasNext()) {
        FeatureBlock b = blocks.next();
        // a compressor's rows are in time order: one run per date
        for (int from = b.from; from < b.to; ) {
          int day = b.day(from);
          int to = from + 1;
          while (to < b.to && b.day(to) == day) {
            to++;
          }
          DateFile file = open.get(day);
          if (file == null) {
            file = new DateFile(conf, day);
            open.put(day, file);
          }
          file.append(b, from, to);
          from = to;
        }
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
    private final ParquetColumn[] columns = new ParquetColumn[STORED.size()];
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
        columns[c] = ParquetColumn.of(PARQUET.getColumns().get(c), ROW_GROUP_ROWS);
      }
    }

    /** Rows {@code [from, to)} of a block, all of this date. */
    void append(FeatureBlock b, int from, int to) throws IOException {
      while (from < to) {
        int n = Math.min(to - from, ROW_GROUP_ROWS - buffered);
        for (int c = 0; c < columns.length; c++) {
          b.appendTo(ordinals[c], columns[c], from, from + n);
        }
        buffered += n;
        from += n;
        if (buffered == ROW_GROUP_ROWS) {
          flush();
        }
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
      for (ParquetColumn c : columns) {
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

    /** Delta's per-file statistics JSON, in the format of Delta's own writer. */
    private String deltaStats() throws IOException {
      Map<String, Object> min = new LinkedHashMap<>();
      Map<String, Object> max = new LinkedHashMap<>();
      Map<String, Object> nulls = new LinkedHashMap<>();
      for (String name : GoldSettings.STATS_COLUMNS.split(",")) {
        ParquetColumn c = columns[STORED.fieldIndex(name)];
        DataType type = STORED.apply(name).dataType();
        nulls.put(name, c.fileNulls());
        Object lo = deltaValue(type, c.fileMin());
        Object hi = deltaValue(type, c.fileMax());
        if (lo != null && hi != null) {
          min.put(name, lo);
          max.put(name, hi);
        }
      }
      Map<String, Object> stats = new LinkedHashMap<>();
      stats.put("numRecords", rows);
      stats.put("minValues", min);
      stats.put("maxValues", max);
      stats.put("nullCount", nulls);
      return JSON.writeValueAsString(stats);
    }
  }

  /**
   * A statistics value as Delta's own writer writes it: timestamps in UTC, truncated to
   * milliseconds; strings up to 32 characters (longer ones get none here).
   */
  private static Object deltaValue(DataType type, Object v) {
    if (v != null && type.equals(DataTypes.TimestampType)) {
      return MILLIS.format(Instant.EPOCH.plusMillis(Math.floorDiv((Long) v, 1000)));
    }
    if (v instanceof UTF8String s) {
      return s.numChars() <= MAX_STRING_STAT ? s.toString() : null;
    }
    return v;
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
}
