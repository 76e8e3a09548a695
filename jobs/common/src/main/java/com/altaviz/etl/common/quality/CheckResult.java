package com.altaviz.etl.common.quality;

/**
 * One row of ops/quality_metrics as a stage produces it (run id, stage, interval and computed_at
 * are added when written). {@code checkName}, {@code kind}, {@code action} are null for the
 * informational metrics that belong to no check (rule counts, reconciliation terms).
 *
 * @param metric the check's metric name (for the silver gates their historical names)
 * @param column column, compressor id or "*"
 * @param value measured value (KS: D statistic; PSI: the index; anomaly: today's value)
 * @param limit the gate's limit, as before the check suite (null for checks without one)
 * @param scope "*" = fleet, a compressor id, or "model=<model>"
 * @param lower lower end of the expected band (null = unbounded)
 * @param upper upper end of the expected band (null = unbounded)
 */
public record CheckResult(
    String metric,
    String column,
    Double value,
    Double limit,
    String status,
    String checkName,
    String kind,
    String table,
    String scope,
    Double lower,
    Double upper,
    Double pValue,
    String action,
    String message) {
  public static final String ALL = "*";
  public static final String PASS = "pass";
  public static final String WARN = "warn";
  public static final String FAIL = "fail";

  /** A metric that belongs to no check. */
  public static CheckResult info(
      String metric, String column, Double value, Double limit, String status) {
    return new CheckResult(
        metric, column, value, limit, status, null, null, null, ALL, null, null, null, null, null);
  }
}
