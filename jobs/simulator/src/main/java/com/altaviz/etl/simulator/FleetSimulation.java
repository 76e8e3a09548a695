package com.altaviz.etl.simulator;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Runs one simulation: the readings through Spark, then the dimension CSVs from the driver. */
public final class FleetSimulation {
  private FleetSimulation() {}

  public static SimulationReport run(SparkSession spark, SimulationSpec spec, String rawRoot)
      throws IOException {
    LandingWriter writer = new LandingWriter(rawRoot, spark.sparkContext().hadoopConfiguration());
    SimulationCounts counts = new SimulationCounts(spec.days());
    spark.sparkContext().register(counts, "altaviz simulator counts");
    Map<String, List<String>> files =
        writer.writeReadings(FleetReadings.generate(spark, spec, counts));
    CsvTable metadata = DimensionTables.compressorMetadata(spec);
    CsvTable maintenance = DimensionTables.maintenanceLogs(spec);
    CsvTable stations = DimensionTables.stations(spec);
    writer.writeCsv(LandingWriter.COMPRESSOR_METADATA, metadata);
    writer.writeCsv(LandingWriter.MAINTENANCE_LOGS, maintenance);
    writer.writeCsv(LandingWriter.STATIONS, stations);
    return new SimulationReport(
        spec,
        counts,
        rawRoot.replaceAll("/+$", ""),
        files,
        metadata.rows().size(),
        maintenance.rows().size(),
        stations.rows().size());
  }
}
