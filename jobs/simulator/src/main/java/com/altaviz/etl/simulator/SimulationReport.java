package com.altaviz.etl.simulator;

import java.util.List;
import java.util.Map;

/** What one simulator run produced: the counts of readings and defects, and the files written. */
public record SimulationReport(
    SimulationSpec spec,
    SimulationCounts counts,
    String root,
    Map<String, List<String>> readingFiles,
    int metadataRows,
    int maintenanceRows,
    int stationRows) {

  public long readings() {
    return counts.get(SimulationCounts.READINGS);
  }

  public long rows() {
    return counts.rows();
  }

  public long count(int counter) {
    return counts.get(counter);
  }

  public int fileCount() {
    return readingFiles.values().stream().mapToInt(List::size).sum();
  }
}
