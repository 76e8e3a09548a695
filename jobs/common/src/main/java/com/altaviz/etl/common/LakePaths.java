package com.altaviz.etl.common;

/** Table locations under the lake root; the only place that spells them. */
public record LakePaths(String root) {
  public LakePaths {
    root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    // A relative local path is made absolute: Delta's table builder takes it for a table name.
    if (!root.contains(":") && !root.startsWith("/")) {
      root = java.nio.file.Paths.get(root).toAbsolutePath().normalize().toString();
    }
  }

  public String table(String relative) {
    return root + "/" + relative;
  }

  public String bronzeReadings() {
    return table("bronze/sensor_readings");
  }

  public String bronzeMetadata() {
    return table("bronze/compressor_metadata");
  }

  public String bronzeMaintenance() {
    return table("bronze/maintenance_logs");
  }

  public String bronzeStations() {
    return table("bronze/stations");
  }

  public String silverReadings() {
    return table("silver/sensor_readings");
  }

  public String quarantine() {
    return table("silver/quarantine");
  }

  public String goldFeatures() {
    return table("gold/sensor_features");
  }

  public String pipelineRuns() {
    return table("ops/pipeline_runs");
  }

  public String qualityMetrics() {
    return table("ops/quality_metrics");
  }
}
