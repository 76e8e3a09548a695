package com.altaviz.etl.maintenance;

/**
 * What maintenance did to one Delta table: active data files before/after OPTIMIZE, files VACUUM
 * deleted from storage, and row counts that must not change.
 *
 * @param zOrderColumn the Z-order column used, or null for plain compaction
 */
public record TableReport(
    String table,
    String zOrderColumn,
    long activeFilesBefore,
    long activeFilesAfter,
    long filesVacuumed,
    long rowsBefore,
    long rowsAfter,
    long version) {}
