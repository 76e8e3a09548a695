package com.altaviz.etl.common;

import java.time.Instant;

/**
 * One row of {@code ops/pipeline_runs}: what a stage run read and wrote, at which Delta versions.
 * Versions are null when not applicable (e.g. bronze reads files, export writes SQL).
 */
public record LedgerEntry(
    String runId,
    String stage,
    Instant intervalStart,
    Instant intervalEnd,
    String inputTable,
    Long inputVersion,
    String outputTable,
    Long outputVersion,
    long rowsIn,
    long rowsOut,
    long rowsQuarantined,
    String status,
    String message,
    Instant startedAt,
    Instant finishedAt,
    String sparkApplicationId) {

  public static final String SUCCESS = "success";
  public static final String FAILED = "failed";
  public static final String QUALITY_FAILED = "quality_failed";

  public long durationMs() {
    return finishedAt.toEpochMilli() - startedAt.toEpochMilli();
  }
}
