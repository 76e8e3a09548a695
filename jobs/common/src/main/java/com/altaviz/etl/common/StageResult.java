package com.altaviz.etl.common;

/** What a stage run read and wrote; becomes its ledger row and summary line. */
public record StageResult(
    String inputTable,
    Long inputVersion,
    String outputTable,
    Long outputVersion,
    long rowsIn,
    long rowsOut,
    long rowsQuarantined) {}
