package com.altaviz.etl.bronze;

import java.util.Collection;

/**
 * The identity of one delivered raw file: path, size, modification time and SHA-256 of its bytes. A
 * listed file is already ingested when bronze holds a delivery of the same path and size with the
 * same modification time (checked first, no hashing) or the same content hash — so a byte-identical
 * file written again (a re-run simulator, a copy) is not ingested twice, while a re-delivery with
 * changed content is a new delivery.
 */
public record Delivery(String path, long size, long modifiedMillis, String sha256) {

  /** Whether {@code file} (with its hash, computed only if needed) is among {@code ingested}. */
  public static boolean alreadyIngested(
      RawFile file, Collection<Delivery> ingested, java.util.function.Supplier<String> sha256) {
    boolean samePathAndSize = false;
    for (Delivery d : ingested) {
      if (d.path.equals(file.path()) && d.size == file.size()) {
        if (d.modifiedMillis == file.modifiedMillis()) {
          return true;
        }
        samePathAndSize = true;
      }
    }
    if (!samePathAndSize) {
      return false;
    }
    String hash = sha256.get();
    for (Delivery d : ingested) {
      if (d.path.equals(file.path()) && d.size == file.size() && hash.equals(d.sha256)) {
        return true;
      }
    }
    return false;
  }
}
