package com.altaviz.etl.simulator;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.Schemas;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A realistic incident injected on top of the simulated fleet, so the quality checks have something
 * to catch (docs/quality-and-features.md, "Simulator incidents"):
 *
 * <ul>
 *   <li>{@code station-offline:STN-002@2024-02-05}: the station's compressors send no reading taken
 *       that UTC day (a site that lost its uplink); other days and stations are unchanged;
 *   <li>{@code sensor-shift:discharge_temp_f+15@2024-02-05}: every compressor's values of one
 *       sensor are shifted by a constant from that day on (a fleet-wide recalibration or a vendor
 *       firmware change); {@code -15} shifts down.
 * </ul>
 *
 * Both are deterministic: they remove or shift readings the seeded generator makes anyway, so
 * everything else stays byte-identical to the run without the incident.
 */
public record Incident(Kind kind, String station, int sensor, double delta, LocalDate date)
    implements Serializable {

  public enum Kind {
    STATION_OFFLINE,
    SENSOR_SHIFT
  }

  private static final Pattern OFFLINE = Pattern.compile("station-offline:(STN-\\d{3,})@(.+)");
  private static final Pattern SHIFT =
      Pattern.compile("sensor-shift:([a-z_]+)([+-][0-9]+(?:\\.[0-9]+)?)@(.+)");

  /** Parses one {@code --incident} value for {@code spec}'s fleet and period; exit 2 if bad. */
  public static Incident parse(String text, int compressors, LocalDate first, int days) {
    Matcher m = OFFLINE.matcher(text);
    Incident i;
    if (m.matches()) {
      String station = m.group(1);
      int index = Integer.parseInt(station.substring(4)) - 1;
      int stations = FleetCatalog.stations(compressors);
      if (index < 0 || index >= stations) {
        throw bad(
            text,
            "station "
                + station
                + " is not in a fleet of "
                + compressors
                + " compressors (STN-001 to "
                + CompressorProfile.stationId(stations - 1)
                + ")");
      }
      i = new Incident(Kind.STATION_OFFLINE, station, -1, 0, date(text, m.group(2)));
    } else if ((m = SHIFT.matcher(text)).matches()) {
      int sensor = Schemas.SENSOR_COLUMNS.indexOf(m.group(1));
      if (sensor < 0) {
        throw bad(
            text, "unknown sensor " + m.group(1) + " (one of " + Schemas.SENSOR_COLUMNS + ")");
      }
      double delta = Double.parseDouble(m.group(2));
      if (delta == 0) {
        throw bad(text, "a shift of 0 changes nothing");
      }
      i = new Incident(Kind.SENSOR_SHIFT, null, sensor, delta, date(text, m.group(3)));
    } else {
      throw bad(
          text,
          "expected station-offline:<STN-nnn>@<YYYY-MM-DD> or "
              + "sensor-shift:<sensor><+|-><amount>@<YYYY-MM-DD>");
    }
    LocalDate last = first.plusDays(days - 1L);
    if (i.date.isBefore(first) || i.date.isAfter(last)) {
      throw bad(text, "date " + i.date + " is outside the simulated days " + first + " to " + last);
    }
    return i;
  }

  private static LocalDate date(String text, String date) {
    try {
      return LocalDate.parse(date);
    } catch (DateTimeParseException e) {
      throw bad(text, "'" + date + "' is not a date (YYYY-MM-DD)");
    }
  }

  private static EtlException bad(String text, String why) {
    return EtlException.usage("--incident '" + text + "': " + why);
  }

  /** Whether {@code p} sends nothing taken on {@code day}. */
  boolean silences(CompressorProfile p, LocalDate day) {
    return kind == Kind.STATION_OFFLINE && day.equals(date) && p.stationId().equals(station);
  }

  /** What this incident adds to sensor {@code k} on {@code day}. */
  double shift(int k, LocalDate day) {
    return kind == Kind.SENSOR_SHIFT && k == sensor && !day.isBefore(date) ? delta : 0;
  }

  @Override
  public String toString() {
    return kind == Kind.STATION_OFFLINE
        ? "station " + station + " offline on " + date
        : String.format(
            Locale.ROOT,
            "%s shifted by %+.2f from %s on",
            Schemas.SENSOR_COLUMNS.get(sensor),
            delta,
            date);
  }
}
