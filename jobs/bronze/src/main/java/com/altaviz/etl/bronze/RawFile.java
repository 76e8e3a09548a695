package com.altaviz.etl.bronze;

import java.time.LocalDate;

/**
 * One raw landing file as listed.
 *
 * @param path qualified Hadoop path, as listed (decoded spelling, e.g. {@code file:/a b/c})
 * @param size bytes
 * @param modifiedMillis modification time, epoch milliseconds
 * @param landingDate the {@code date=} folder the file arrived in
 */
public record RawFile(String path, long size, long modifiedMillis, LocalDate landingDate) {

  /**
   * Path relative to the landing root, for log lines: {@code date=2024-02-01/part-00000.parquet}.
   */
  public String shortName() {
    int i = path.lastIndexOf("/date=");
    return i < 0 ? path : path.substring(i + 1);
  }

  /** The file name as it appears, URL-encoded, at the end of the paths Spark reports. */
  public String encodedName() {
    String raw = new org.apache.hadoop.fs.Path(path).toUri().getRawPath();
    return raw.substring(raw.lastIndexOf('/') + 1);
  }
}
