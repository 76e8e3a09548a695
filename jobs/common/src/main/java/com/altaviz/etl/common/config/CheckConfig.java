package com.altaviz.etl.common.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One named check of the suite ({@code checks.<name>} in etl_config.yaml): the table it looks at
 * ({@code <stage>/<table>}), its kind, the parameters of that kind and what a breach does (warn or
 * fail = exit 3). Parameters a kind does not use are configuration errors.
 */
public class CheckConfig {
  public static final List<String> STAGES = List.of("bronze", "silver", "gold", "export");

  public CheckKind kind;

  /** {@code <stage>/<table>}, e.g. silver/sensor_readings. */
  public String table;

  public RuleAction action = RuleAction.WARN;

  public List<String> columns;
  public String column;
  public String metric;
  public Double min;
  public Double max;
  public Double pValue;
  public Boolean perCompressor;
  public Boolean perModel;
  public Boolean perFile;
  public Integer historyRuns;
  public Integer minHistory;
  public Double maxRelativeChange;
  public Double maxZ;
  public Integer referenceDays;
  public Integer bins;
  public Integer grid;

  public CheckConfig() {}

  public CheckConfig(CheckKind kind, String table, RuleAction action) {
    this.kind = kind;
    this.table = table;
    this.action = action;
  }

  /** The stage whose run evaluates this check: the part of {@link #table} before the slash. */
  public String stage() {
    int slash = table.indexOf('/');
    return slash < 0 ? table : table.substring(0, slash);
  }

  public int historyRunsOr() {
    return historyRuns == null ? 14 : historyRuns;
  }

  public int minHistoryOr() {
    return minHistory == null ? 5 : minHistory;
  }

  public int referenceDaysOr() {
    return referenceDays == null ? 7 : referenceDays;
  }

  public int binsOr() {
    return bins == null ? 10 : bins;
  }

  public int gridOr() {
    return grid == null ? 1000 : grid;
  }

  public boolean perModelOr() {
    return perModel != null && perModel;
  }

  /** Parameter keys that are set, for the per-kind check. */
  Map<String, Object> setParameters() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("columns", columns);
    m.put("column", column);
    m.put("metric", metric);
    m.put("min", min);
    m.put("max", max);
    m.put("p_value", pValue);
    m.put("per_compressor", perCompressor);
    m.put("per_model", perModel);
    m.put("per_file", perFile);
    m.put("history_runs", historyRuns);
    m.put("min_history", minHistory);
    m.put("max_relative_change", maxRelativeChange);
    m.put("max_z", maxZ);
    m.put("reference_days", referenceDays);
    m.put("bins", bins);
    m.put("grid", grid);
    m.values().removeIf(v -> v == null);
    return m;
  }

  void validate(String name) {
    String key = "checks." + name;
    EtlConfig.require(
        name.matches("[a-z][a-z0-9_]*"), key, "is not a check name (lower_snake_case)");
    EtlConfig.require(kind != null, key + ".kind", "is missing; kinds: " + CheckKind.keys());
    EtlConfig.require(table != null && table.contains("/"), key + ".table", "must be stage/table");
    EtlConfig.require(STAGES.contains(stage()), key + ".table", "must start with one of " + STAGES);
    EtlConfig.require(
        action == RuleAction.WARN || action == RuleAction.FAIL,
        key + ".action",
        "must be warn or fail");
    for (String p : setParameters().keySet()) {
      EtlConfig.require(
          kind.parameters().contains(p),
          key + "." + p,
          "is not a parameter of kind " + kind.key() + "; it takes " + kind.parameters());
    }
    switch (kind) {
      case MISSING_RATE, RANGE, UNIQUENESS, NOT_ALL_NULL, KS_DRIFT, PSI_DRIFT ->
          EtlConfig.require(
              columns != null && !columns.isEmpty(), key + ".columns", "must list columns");
      default -> {}
    }
    switch (kind) {
      case MISSING_RATE, REJECTED_SHARE, FRESHNESS ->
          EtlConfig.require(max != null && max >= 0, key + ".max", "must be a number >= 0");
      case COMPLETENESS, CONSISTENCY ->
          EtlConfig.require(min != null && min >= 0, key + ".min", "must be a number >= 0");
      case RANGE ->
          EtlConfig.require(
              min != null && max != null && min <= max, key + ".min", "and max need min <= max");
      case METRIC_ANOMALY ->
          EtlConfig.require(metric != null, key + ".metric", "names the metric to watch");
      case PSI_DRIFT -> EtlConfig.require(binsOr() >= 2, key + ".bins", "must be >= 2");
      case KS_DRIFT -> EtlConfig.require(gridOr() >= 10, key + ".grid", "must be >= 10");
      default -> {}
    }
    if (kind == CheckKind.ROW_COUNT_ANOMALY || kind == CheckKind.METRIC_ANOMALY) {
      EtlConfig.require(historyRunsOr() >= 1, key + ".history_runs", "must be >= 1");
      EtlConfig.require(
          minHistoryOr() >= 1 && minHistoryOr() <= historyRunsOr(),
          key + ".min_history",
          "must be in [1, history_runs]");
      EtlConfig.require(
          maxRelativeChange != null || maxZ != null, key, "needs max_relative_change and/or max_z");
    }
    if (kind == CheckKind.KS_DRIFT || kind == CheckKind.PSI_DRIFT) {
      EtlConfig.require(referenceDaysOr() >= 1, key + ".reference_days", "must be >= 1");
      EtlConfig.require(max != null || pValue != null, key, "needs max (statistic) and/or p_value");
    }
  }

  /**
   * The suite's defaults for this fleet (10-minute cadence, 7 sensors); etl_config.yaml repeats
   * them.
   */
  public static Map<String, CheckConfig> defaults() {
    Map<String, CheckConfig> m = new LinkedHashMap<>();
    String silver = "silver/sensor_readings";
    String gold = "gold/sensor_features";
    List<String> sensors =
        List.of(
            "vibration_mms",
            "discharge_temp_f",
            "suction_pressure_psi",
            "discharge_pressure_psi",
            "horsepower_consumption",
            "gas_flow_mcf",
            "operating_hours");
    CheckConfig c = new CheckConfig(CheckKind.ROW_COUNT, "bronze/sensor_readings", RuleAction.WARN);
    c.min = 1.0;
    c.perFile = true;
    m.put("bronze_rows_per_delivery", c);

    c = new CheckConfig(CheckKind.MISSING_RATE, silver, RuleAction.WARN);
    c.columns = sensors;
    c.max = 0.05;
    m.put("missing_rate", c);
    c = new CheckConfig(CheckKind.FRESHNESS, silver, RuleAction.WARN);
    c.max = 15.0;
    c.perCompressor = true;
    m.put("freshness_minutes", c);
    c = new CheckConfig(CheckKind.COMPLETENESS, silver, RuleAction.WARN);
    c.min = 0.95;
    m.put("completeness", c);
    c = new CheckConfig(CheckKind.CONSISTENCY, silver, RuleAction.WARN);
    c.min = 0.99;
    m.put("consistency", c);
    c = new CheckConfig(CheckKind.REJECTED_SHARE, silver, RuleAction.FAIL);
    c.max = 0.10;
    m.put("rejected_share", c);
    c = new CheckConfig(CheckKind.UNIQUENESS, silver, RuleAction.FAIL);
    c.columns = List.of("compressor_id", "timestamp");
    m.put("silver_unique_readings", c);
    c = new CheckConfig(CheckKind.ROW_COUNT_ANOMALY, silver, RuleAction.WARN);
    c.historyRuns = 14;
    c.minHistory = 5;
    c.maxRelativeChange = 0.2;
    c.maxZ = 4.0;
    m.put("silver_row_count_anomaly", c);
    c = new CheckConfig(CheckKind.METRIC_ANOMALY, silver, RuleAction.WARN);
    c.metric = "completeness";
    c.column = "*";
    c.historyRuns = 14;
    c.minHistory = 5;
    c.maxRelativeChange = 0.1;
    c.maxZ = 4.0;
    m.put("completeness_anomaly", c);
    c = new CheckConfig(CheckKind.KS_DRIFT, silver, RuleAction.WARN);
    c.columns = sensors.subList(0, 6);
    c.referenceDays = 7;
    c.max = 0.1;
    c.pValue = 0.001;
    c.perModel = true;
    m.put("sensor_ks_drift", c);
    c = new CheckConfig(CheckKind.PSI_DRIFT, silver, RuleAction.WARN);
    c.columns = sensors.subList(0, 6);
    c.referenceDays = 7;
    c.bins = 10;
    c.max = 0.25;
    c.perModel = true;
    m.put("sensor_psi_drift", c);

    List<String> features = new ArrayList<>(List.of("vibration_1hr_mean", "temp_1hr_mean"));
    features.addAll(List.of("pressure_1hr_mean", "vibration_24hr_mean", "temp_24hr_mean"));
    features.addAll(List.of("pressure_24hr_mean", "pressure_differential", "hp_utilization"));
    c = new CheckConfig(CheckKind.MISSING_RATE, gold, RuleAction.WARN);
    c.columns = List.copyOf(features);
    c.max = 0.05;
    m.put("gold_feature_missing_rate", c);
    c = new CheckConfig(CheckKind.NOT_ALL_NULL, gold, RuleAction.FAIL);
    c.columns = List.copyOf(features);
    m.put("gold_feature_not_all_null", c);
    c = new CheckConfig(CheckKind.RANGE, gold, RuleAction.FAIL);
    c.columns = List.of("vibration_1hr_mean", "vibration_24hr_mean", "vibration_1hr_max");
    c.min = 0.0;
    c.max = 50.0;
    m.put("gold_vibration_range", c);

    m.put(
        "export_reconciliation",
        new CheckConfig(CheckKind.RECONCILIATION, "export/sensor_readings_agg", RuleAction.FAIL));
    return m;
  }
}
