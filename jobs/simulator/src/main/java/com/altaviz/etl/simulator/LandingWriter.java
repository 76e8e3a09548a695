package com.altaviz.etl.simulator;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.Schemas;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;

/**
 * Writes the raw landing zone (the layout bronze reads) with fixed file names, so the same spec
 * gives the same bytes: {@code sensor_readings/date=YYYY-MM-DD/part-NNNNN.parquet} (first
 * deliveries, late readings of the previous day, future-dated readings) and {@code
 * retransmit-NNNNN.parquet} (duplicate retransmissions), NNNNN being the generating slice; footers
 * are canonicalised by {@link ParquetFooters}. Each run replaces the previous landing zone: it is
 * written to a hidden staging folder first and swapped in at the end.
 */
public final class LandingWriter {
  public static final String SENSOR_READINGS = "sensor_readings";
  public static final String COMPRESSOR_METADATA = "compressor_metadata.csv";
  public static final String MAINTENANCE_LOGS = "maintenance_logs.csv";
  public static final String STATIONS = "stations.csv";

  /**
   * Columns with (nearly) all-distinct values: a Parquet dictionary would overflow and fall back to
   * plain encoding anyway, after costing the time to build it.
   */
  private static final List<String> NO_DICTIONARY =
      List.of(
          "discharge_pressure_psi", "horsepower_consumption", "gas_flow_mcf", "operating_hours");

  private static final String STAGING = "_" + SENSOR_READINGS + ".staging";
  private static final Pattern SPARK_PART = Pattern.compile("part-(\\d{5})-.*\\.parquet");

  private final FileSystem fs;
  private final Path root;

  public LandingWriter(String rawRoot, Configuration hadoop) {
    try {
      Path p = new Path(rawRoot);
      FileSystem qualified = p.getFileSystem(hadoop);
      // The local file system writes .crc side files; we want only the data files we name.
      this.fs = qualified instanceof ChecksumFileSystem c ? c.getRawFileSystem() : qualified;
      this.root = qualified.makeQualified(p);
    } catch (IOException e) {
      throw EtlException.badInput("cannot open raw landing root " + rawRoot + ": " + e, e);
    }
  }

  public Path root() {
    return root;
  }

  /**
   * Writes {@code generated} (rows of {@link FleetReadings#GENERATED}) and returns the file names
   * written per day folder, in order.
   */
  public Map<String, List<String>> writeReadings(Dataset<Row> generated) throws IOException {
    Path staging = new Path(root, STAGING);
    fs.delete(staging, true);
    List<Column> cols = new ArrayList<>();
    cols.add(functions.col(FleetReadings.LANDING_DATE));
    cols.add(functions.col(FleetReadings.FILE));
    Arrays.stream(Schemas.RAW_SENSOR_READINGS.fieldNames()).map(functions::col).forEach(cols::add);
    Column[] all = cols.toArray(Column[]::new);
    // Sorting by every written column makes the row order inside each file a function of the
    // data alone (rows equal in all columns are interchangeable), whatever Spark does on spill.
    DataFrameWriter<Row> w =
        generated
            .select(all)
            .sortWithinPartitions(all)
            .write()
            .mode(SaveMode.Overwrite)
            .option("compression", "snappy")
            .partitionBy(FleetReadings.LANDING_DATE, FleetReadings.FILE);
    for (String c : NO_DICTIONARY) {
      w = w.option("parquet.enable.dictionary#" + c, "false");
    }
    w.parquet(staging.toString());
    Map<String, List<String>> files = renameSparkFiles(staging);
    Path target = new Path(root, SENSOR_READINGS);
    fs.delete(target, true);
    if (!fs.rename(staging, target)) {
      throw new IOException("could not move " + staging + " to " + target);
    }
    return files;
  }

  /**
   * {@code date=D/file=K/part-00003-<uuid>.c000.snappy.parquet} becomes {@code
   * date=D/K-00003.parquet}; Spark's _SUCCESS marker and checksum files are removed.
   */
  private Map<String, List<String>> renameSparkFiles(Path staging) throws IOException {
    Map<String, List<String>> files = new LinkedHashMap<>();
    FileStatus[] dayDirs = fs.listStatus(staging, p -> p.getName().startsWith("date="));
    Arrays.sort(dayDirs, Comparator.comparing(s -> s.getPath().getName()));
    for (FileStatus dayDir : dayDirs) {
      List<String> names = new ArrayList<>();
      for (FileStatus kindDir : fs.listStatus(dayDir.getPath())) {
        String kind = kindDir.getPath().getName().replaceFirst("^file=", "");
        for (FileStatus f : fs.listStatus(kindDir.getPath())) {
          Matcher m = SPARK_PART.matcher(f.getPath().getName());
          if (m.matches()) {
            String name = kind + "-" + m.group(1) + ".parquet";
            Path renamed = new Path(dayDir.getPath(), name);
            if (!fs.rename(f.getPath(), renamed)) {
              throw new IOException("could not rename " + f.getPath() + " to " + name);
            }
            ParquetFooters.canonicalize(fs, renamed);
            names.add(name);
          }
        }
        fs.delete(kindDir.getPath(), true); // what is left: checksum files
      }
      names.sort(null);
      files.put(dayDir.getPath().getName(), names);
    }
    for (FileStatus f : fs.listStatus(staging)) {
      if (f.isFile()) {
        fs.delete(f.getPath(), false); // _SUCCESS and its checksum
      }
    }
    return files;
  }

  /** Replaces {@code name} under the root with {@code table} as CSV with a header row. */
  public void writeCsv(String name, CsvTable table) throws IOException {
    Path target = new Path(root, name);
    Path tmp = new Path(root, "_" + name + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(table.render().getBytes(StandardCharsets.UTF_8));
    }
    fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      throw new IOException("could not move " + tmp + " to " + target);
    }
  }
}
