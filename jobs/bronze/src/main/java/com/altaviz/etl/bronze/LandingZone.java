package com.altaviz.etl.bronze;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.Interval;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The raw landing zone: {@code <raw>/sensor_readings/date=YYYY-MM-DD/*.parquet} plus the dimension
 * CSVs. Files are chosen by the folder they LANDED in, not by the timestamps inside them, so a late
 * reading is ingested with the day it arrived.
 */
public final class LandingZone {
  public static final String SENSOR_DIR = "sensor_readings";
  public static final String METADATA_CSV = "compressor_metadata.csv";
  public static final String MAINTENANCE_CSV = "maintenance_logs.csv";
  public static final String STATIONS_CSV = "stations.csv";
  private static final String DATE_PREFIX = "date=";

  private final FileSystem fs;
  private final Path root;

  public LandingZone(String raw, Configuration conf) {
    try {
      Path p = new Path(raw);
      this.fs = p.getFileSystem(conf);
      this.root = fs.makeQualified(p);
    } catch (IOException | IllegalArgumentException e) {
      throw EtlException.badInput("cannot open raw landing root " + raw + ": " + e.getMessage(), e);
    }
  }

  public Path root() {
    return root;
  }

  public Path file(String name) {
    return new Path(root, name);
  }

  /** True when landing folder {@code date} (one UTC day) overlaps the interval. */
  public static boolean overlaps(LocalDate date, Interval interval) {
    if (interval.isAll()) {
      return true;
    }
    var dayStart = date.atStartOfDay(ZoneOffset.UTC).toInstant();
    var dayEnd = date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return dayStart.isBefore(interval.end()) && dayEnd.isAfter(interval.start());
  }

  /**
   * Parquet files of every landing folder overlapping {@code interval}, sorted by path. A folder
   * whose name is not {@code date=YYYY-MM-DD} is an error rather than silently skipped data.
   */
  public List<RawFile> sensorFiles(Interval interval) {
    Path dir = new Path(root, SENSOR_DIR);
    List<RawFile> files = new ArrayList<>();
    try {
      if (!fs.exists(root)) {
        throw EtlException.badInput("raw landing root does not exist: " + root, null);
      }
      if (!fs.exists(dir)) {
        return files;
      }
      for (FileStatus folder : fs.listStatus(dir)) {
        String name = folder.getPath().getName();
        if (!folder.isDirectory() || hidden(name)) {
          continue;
        }
        LocalDate date = landingDate(folder.getPath());
        if (!overlaps(date, interval)) {
          continue;
        }
        for (FileStatus f : fs.listStatus(folder.getPath())) {
          String fname = f.getPath().getName();
          if (f.isFile() && !hidden(fname) && fname.endsWith(".parquet")) {
            files.add(
                new RawFile(f.getPath().toString(), f.getLen(), f.getModificationTime(), date));
          }
        }
      }
    } catch (IOException e) {
      throw EtlException.badInput("cannot list raw landing folder " + dir + ": " + e, e);
    }
    files.sort(Comparator.comparing(RawFile::path));
    return files;
  }

  static LocalDate landingDate(Path folder) {
    String name = folder.getName();
    if (!name.startsWith(DATE_PREFIX)) {
      throw EtlException.badInput(
          "unexpected folder in the landing zone (want date=YYYY-MM-DD): " + folder, null);
    }
    try {
      return LocalDate.parse(name.substring(DATE_PREFIX.length()));
    } catch (DateTimeParseException e) {
      throw EtlException.badInput("landing folder name is not date=YYYY-MM-DD: " + folder, e);
    }
  }

  /** Hadoop/Spark side files (_SUCCESS, .crc, .tmp) are not data. */
  private static boolean hidden(String name) {
    return name.startsWith("_") || name.startsWith(".");
  }
}
