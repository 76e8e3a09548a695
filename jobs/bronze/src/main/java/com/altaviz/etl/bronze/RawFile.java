package com.altaviz.etl.bronze;

import java.time.LocalDate;

/**
 * One raw landing file and its delivery identity: a file with the same path, size and
 * modification time is the same delivery; any of them changing makes it a new delivery.
 *
 * @param path qualified Hadoop path, as listed
 * @param size bytes
 * @param modifiedMillis modification time, epoch milliseconds
 * @param landingDate the {@code date=} folder the file arrived in
 */
public record RawFile(String path, long size, long modifiedMillis, LocalDate landingDate) {

  /** Path relative to the landing root, for log lines: {@code date=2024-02-01/part-00000.parquet}. */
  public String shortName() {
    int i = path.lastIndexOf("/date=");
    return i < 0 ? path : path.substring(i + 1);
  }

  /** The identity compared against what bronze already holds. */
  public Identity identity() {
    return new Identity(path, size, modifiedMillis);
  }

  /** (path, size, mtime) of one delivery; the path in Hadoop's decoded spelling. */
  public record Identity(String path, long size, long modifiedMillis) {}
}
