package com.altaviz.etl.common.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a check of the suite measures, with the parameters each kind accepts (any other parameter is
 * a configuration error naming the key). See docs/quality-and-features.md, "Check suite".
 */
public enum CheckKind {
  /** Share of null values per column, at most {@code max} (the silver missing_rate gate). */
  MISSING_RATE(Set.of("columns", "max")),
  /** A column with no non-null value at all in the run's rows. */
  NOT_ALL_NULL(Set.of("columns")),
  /** Readings received / expected (fleet "*" and per compressor), at least {@code min}. */
  COMPLETENESS(Set.of("min")),
  /** Minutes from the latest reading to the interval end, at most {@code max}. */
  FRESHNESS(Set.of("max", "per_compressor")),
  /** Share of rows with both pressures where discharge > suction, at least {@code min}. */
  CONSISTENCY(Set.of("min")),
  /** Readings a silver rule removed or nulled a value of / distinct readings, at most max. */
  REJECTED_SHARE(Set.of("max")),
  /** Non-null values outside [min, max] per column: none allowed. */
  RANGE(Set.of("columns", "min", "max")),
  /** Rows sharing a key (the columns) with another row: none allowed. */
  UNIQUENESS(Set.of("columns")),
  /** Rows of the run within [min, max] (bronze: per delivered file). */
  ROW_COUNT(Set.of("min", "max", "per_file")),
  /** The table's row count of the interval against its own history. */
  ROW_COUNT_ANOMALY(Set.of("history_runs", "min_history", "max_relative_change", "max_z")),
  /**
   * A metric of this stage against its own history; {@code column}: "*" (default), one column or
   * compressor, or "each" (every non-fleet row of the metric, e.g. each compressor's completeness).
   */
  METRIC_ANOMALY(
      Set.of("metric", "column", "history_runs", "min_history", "max_relative_change", "max_z")),
  /** Two-sample Kolmogorov-Smirnov test of each column against a trailing reference window. */
  KS_DRIFT(Set.of("columns", "reference_days", "max", "p_value", "per_model", "grid")),
  /** Population stability index of each column against a trailing reference window. */
  PSI_DRIFT(Set.of("columns", "reference_days", "max", "bins", "per_model")),
  /** Rows in PostgreSQL equal to the rows the export computed from the lake. */
  RECONCILIATION(Set.of());

  private final Set<String> parameters;

  CheckKind(Set<String> parameters) {
    this.parameters = parameters;
  }

  /** Parameter keys (besides kind, table, action) this kind accepts. */
  public Set<String> parameters() {
    return parameters;
  }

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static List<String> keys() {
    return Arrays.stream(values()).map(CheckKind::key).toList();
  }

  @JsonCreator
  public static CheckKind parse(String s) {
    for (CheckKind k : values()) {
      if (k.key().equals(s)) {
        return k;
      }
    }
    throw new IllegalArgumentException("'" + s + "' is not a check kind; kinds: " + keys());
  }
}
