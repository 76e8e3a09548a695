package com.altaviz.etl.simulator;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.ExitCode;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.SparkSessions;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.VersionProvider;
import com.altaviz.etl.common.config.ConfigLoader;
import com.altaviz.etl.common.config.EtlConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** altaviz-simulator: writes a deterministic synthetic fleet into the raw landing zone. */
@Command(
    name = "altaviz-simulator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Generates synthetic compressor sensor readings (Parquet, one folder per arrival day) and",
      "the dimension CSVs into the raw landing zone, replacing what is there. The same options",
      "always give byte-identical files."
    })
public class SimulatorJob implements Callable<Integer> {
  @Option(
      names = "--raw",
      defaultValue = "${env:ALTAVIZ_RAW:-data/raw}",
      description = "Raw landing root to (re)write (default: ${DEFAULT-VALUE}).")
  String raw;

  @Option(
      names = "--config",
      defaultValue = "${env:ALTAVIZ_CONFIG:-config/etl_config.yaml}",
      description =
          "Configuration YAML; its simulator: section sets the defect rates "
              + "(default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--compressors",
      defaultValue = "10",
      description = "Fleet size (default: ${DEFAULT-VALUE}).")
  int compressors;

  @Option(
      names = "--days",
      defaultValue = "7",
      description = "Days of readings (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--start-date",
      defaultValue = "2024-02-01",
      description = "First UTC day, YYYY-MM-DD (default: ${DEFAULT-VALUE}).")
  String startDate;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--incident",
      paramLabel = "<incident>",
      description = {
        "Injects an incident (repeatable): station-offline:<STN-nnn>@<YYYY-MM-DD> (the",
        "station's compressors send no reading of that day) or",
        "sensor-shift:<sensor><+|-><amount>@<YYYY-MM-DD> (every compressor's values of that",
        "sensor shifted from that day on, e.g. sensor-shift:discharge_temp_f+15@2024-02-05)."
      })
  List<String> incidents = new ArrayList<>();

  public static void main(String[] args) {
    JobLauncher.main(new SimulatorJob(), args);
  }

  @Override
  public Integer call() throws Exception {
    EtlConfig cfg = ConfigLoader.load(config);
    SimulationSpec clean =
        new SimulationSpec(
            compressors, days, parseDate(startDate), seed, DefectRates.from(cfg.simulator));
    List<Incident> parsed = new ArrayList<>();
    for (String text : incidents) {
      parsed.add(Incident.parse(text, compressors, clean.startDate(), days));
    }
    SimulationSpec spec =
        new SimulationSpec(compressors, days, clean.startDate(), seed, clean.rates(), parsed);
    StageLog log = new StageLog("simulator");
    long t0 = System.nanoTime();
    log.banner("SIMULATOR: synthetic compressor fleet");
    log.info(
        "Generating sensor data for {} compressors over {} day{}...",
        StageLog.count(spec.compressors()),
        spec.days(),
        spec.days() == 1 ? "" : "s");
    log.info(
        "Period [{}, {}), 10-minute cadence, seed {}; {} Spark slice(s) of up to {} compressors",
        spec.periodStart(),
        spec.periodEnd(),
        spec.seed(),
        spec.slices(),
        SimulationSpec.COMPRESSORS_PER_SLICE);
    for (Incident i : spec.incidents()) {
      log.warn("Injected incident: {}", i);
    }
    SparkSession spark =
        log.step(
            "Creating Spark session",
            () -> SparkSessions.create("altaviz-simulator", cfg.spark.shufflePartitions));
    SimulationReport r =
        log.step(
            "Generating and writing the landing zone", () -> FleetSimulation.run(spark, spec, raw));
    describe(log, r);
    log.info(
        "SUMMARY stage=simulator status=success readings={} rows={} files={} duration={}",
        r.readings(),
        r.rows(),
        r.fileCount(),
        StageLog.seconds(System.nanoTime() - t0));
    return ExitCode.OK;
  }

  private static void describe(StageLog log, SimulationReport r) {
    SimulationSpec spec = r.spec();
    log.info("Total readings: {}", StageLog.count(r.readings()));
    log.info(
        "Injected defects: {} readings with null sensors ({} with ALL sensors null), {} spikes, "
            + "{} duplicate retransmissions ({} with changed values), {} late arrivals, "
            + "{} future-dated readings",
        StageLog.count(r.count(SimulationCounts.NULLS)),
        StageLog.count(r.count(SimulationCounts.ALL_NULL)),
        StageLog.count(r.count(SimulationCounts.SPIKES)),
        StageLog.count(r.count(SimulationCounts.DUPLICATES)),
        StageLog.count(r.count(SimulationCounts.CHANGED_DUPLICATES)),
        StageLog.count(r.count(SimulationCounts.LATE)),
        StageLog.count(r.count(SimulationCounts.FUTURE)));
    for (int i = 0; i < spec.compressors(); i++) {
      FailurePlan f = FailurePlan.forCompressor(i, spec.days());
      if (f != null) {
        log.info(
            "Failing compressor {}: degrades from {}, fails at {}, repaired at {}",
            SimulationSpec.compressorId(i),
            spec.at(f.onsetMinute()),
            spec.at(f.failureMinute()),
            spec.at(f.repairMinute()));
      }
    }
    log.info(
        "Saved {} rows in {} files to: {}/{}",
        StageLog.count(r.rows()),
        r.fileCount(),
        r.root(),
        LandingWriter.SENSOR_READINGS);
    int day = 0;
    for (Map.Entry<String, List<String>> e : r.readingFiles().entrySet()) {
      while (!e.getKey().equals("date=" + spec.day(day))) {
        day++;
      }
      log.info(
          "  {}: {} rows in {}",
          e.getKey(),
          StageLog.count(r.counts().landed(day)),
          String.join(", ", e.getValue()));
    }
    log.info(
        "Saved metadata to: {}/{} ({} compressors)",
        r.root(),
        LandingWriter.COMPRESSOR_METADATA,
        r.metadataRows());
    log.info(
        "Saved maintenance logs to: {}/{} ({} events)",
        r.root(),
        LandingWriter.MAINTENANCE_LOGS,
        r.maintenanceRows());
    log.info(
        "Saved stations to: {}/{} ({} stations)",
        r.root(),
        LandingWriter.STATIONS,
        r.stationRows());
  }

  static LocalDate parseDate(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw EtlException.usage("--start-date '" + text + "' is not a date (YYYY-MM-DD)");
    }
  }
}
