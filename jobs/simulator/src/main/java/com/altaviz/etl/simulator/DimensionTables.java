package com.altaviz.etl.simulator;

import com.altaviz.etl.common.Schemas;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.StructType;

/**
 * The dimension CSVs of the landing zone: compressor metadata, stations and the maintenance log,
 * including the 'failure' event and the repair of each failing compressor. Columns and their order
 * come from {@link Schemas}; consumers read them by name.
 */
public final class DimensionTables {
  static final String SCHEDULED = "scheduled";
  static final String UNSCHEDULED = "unscheduled";
  static final String INSPECTION = "inspection";
  static final String FAILURE = "failure";

  /** Share of healthy compressors inspected during the period. */
  static final double INSPECTED_SHARE = 0.2;

  private DimensionTables() {}

  public static CsvTable compressorMetadata(SimulationSpec spec) {
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < spec.compressors(); i++) {
      CompressorProfile p = CompressorProfile.of(spec, i);
      rows.add(
          List.of(
              p.id(),
              p.model().name(),
              decimal(p.model().ratedHorsepower(), 1),
              p.installDate().toString(),
              p.stationId()));
    }
    return new CsvTable(header(Schemas.COMPRESSOR_METADATA), rows);
  }

  public static CsvTable stations(SimulationSpec spec) {
    List<List<String>> rows = new ArrayList<>();
    int regions = FleetCatalog.REGIONS.size();
    for (int s = 0; s < FleetCatalog.stations(spec.compressors()); s++) {
      FleetCatalog.Region region = FleetCatalog.REGIONS.get(s % regions);
      Seeds.Rng r = Seeds.random(spec.seed(), Seeds.STATION, s);
      double lat = region.latitude() + (r.nextDouble() - 0.5);
      double lon = region.longitude() + (r.nextDouble() - 0.5);
      rows.add(
          List.of(
              CompressorProfile.stationId(s),
              region.name() + " Station " + (s / regions + 1),
              decimal(lat, 4),
              decimal(lon, 4),
              region.name(),
              region.state()));
    }
    return new CsvTable(header(Schemas.STATIONS), rows);
  }

  /**
   * One scheduled service before the period for every compressor (so days-since-maintenance is
   * known from the first reading), inspections of some healthy units during the period, and failure
   * + repair of the failing ones at the times of their {@link FailurePlan}.
   */
  public static CsvTable maintenanceLogs(SimulationSpec spec) {
    List<Event> events = new ArrayList<>();
    List<String> techs = FleetCatalog.TECHNICIANS;
    for (int i = 0; i < spec.compressors(); i++) {
      CompressorProfile p = CompressorProfile.of(spec, i);
      Seeds.Rng r = Seeds.random(spec.seed(), Seeds.MAINTENANCE, i);
      long serviceMinute = -(5 + r.nextInt(56)) * 1440L + (8 + r.nextInt(8)) * 60L;
      events.add(
          new Event(
              spec.at(serviceMinute),
              p.id(),
              SCHEDULED,
              "Scheduled 4000-hour service",
              1500 + r.nextInt(3500),
              techs.get(r.nextInt(techs.size())),
              "Oil and filters changed; valves inspected"));
      boolean inspected = r.nextDouble() < INSPECTED_SHARE;
      long inspectionMinute = r.nextInt(spec.days()) * 1440L + (9 + r.nextInt(7)) * 60L;
      String inspector = techs.get(r.nextInt(techs.size()));
      double inspectionCost = 350 + r.nextInt(400);
      FailurePlan f = p.failure();
      if (f == null && inspected) {
        events.add(
            new Event(
                spec.at(inspectionMinute),
                p.id(),
                INSPECTION,
                "Routine vibration and leak inspection",
                inspectionCost,
                inspector,
                "No findings"));
      }
      if (f != null) {
        events.add(
            new Event(
                spec.at(f.failureMinute()),
                p.id(),
                FAILURE,
                "Main bearing failure - unit tripped on high vibration",
                0,
                "SCADA auto-shutdown",
                "Vibration and discharge temperature above critical limits before the trip"));
        events.add(
            new Event(
                spec.at(f.repairMinute()),
                p.id(),
                UNSCHEDULED,
                "Replaced main bearing and realigned coupling",
                18_000 + r.nextInt(4000),
                techs.get(r.nextInt(techs.size())),
                "Returned to service after a test run"));
      }
    }
    events.sort(
        Comparator.comparing(Event::performedAt)
            .thenComparing(Event::compressorId)
            .thenComparing(Event::type));
    List<List<String>> rows = new ArrayList<>();
    for (int n = 0; n < events.size(); n++) {
      Event e = events.get(n);
      rows.add(
          List.of(
              String.format(Locale.ROOT, "MNT-%06d", n + 1),
              e.compressorId(),
              e.type(),
              e.description(),
              e.performedAt().toString(),
              decimal(e.costUsd(), 2),
              e.performedBy(),
              e.notes()));
    }
    return new CsvTable(header(Schemas.MAINTENANCE_LOGS), rows);
  }

  private record Event(
      Instant performedAt,
      String compressorId,
      String type,
      String description,
      double costUsd,
      String performedBy,
      String notes) {}

  private static List<String> header(StructType schema) {
    return Arrays.asList(schema.fieldNames());
  }

  private static String decimal(double v, int places) {
    return String.format(Locale.ROOT, "%." + places + "f", v);
  }
}
