package com.altaviz.etl.export;

/**
 * Framing of PostgreSQL's binary COPY format (PostgreSQL docs, "COPY … Binary Format"). The tuples
 * themselves are encoded on the executors by {@link ReadingPass}; the driver only forwards bytes,
 * so a week of aggregates at 4,500 compressors (~1M rows) streams through in bounded memory and
 * PostgreSQL does not parse 30M numbers from text.
 */
final class BinaryCopy {
  /** Signature, flags, header-extension length. */
  static final byte[] HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  /** A field count of -1 ends the data. */
  static final byte[] TRAILER = {(byte) 0xFF, (byte) 0xFF};

  /** PostgreSQL timestamps count microseconds from 2000-01-01T00:00Z. */
  static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

  private BinaryCopy() {}
}
