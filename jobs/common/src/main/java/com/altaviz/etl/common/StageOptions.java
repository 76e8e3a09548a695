package com.altaviz.etl.common;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import picocli.CommandLine.Option;

/** Options shared by every stage jar (see README.md), mixed into each command by {@code @Mixin}. */
public class StageOptions {
  @Option(
      names = "--config",
      defaultValue = "${env:ALTAVIZ_CONFIG:-config/etl_config.yaml}",
      description = "Pipeline configuration YAML (default: ${DEFAULT-VALUE}).")
  public Path config;

  @Option(
      names = "--raw",
      defaultValue = "${env:ALTAVIZ_RAW:-data/raw}",
      description = "Raw landing root (default: ${DEFAULT-VALUE}).")
  public String raw;

  @Option(
      names = "--lake",
      defaultValue = "${env:ALTAVIZ_LAKE:-data/lake}",
      description = "Delta lake root (default: ${DEFAULT-VALUE}).")
  public String lake;

  @Option(names = "--start", description = "Interval start, ISO-8601 instant (inclusive).")
  public String start;

  @Option(names = "--end", description = "Interval end, ISO-8601 instant (exclusive).")
  public String end;

  @Option(names = "--date", description = "Shorthand for one UTC day: YYYY-MM-DD.")
  public String date;

  @Option(names = "--run-id", description = "Run id recorded in the ledger and Delta commits.")
  public String runId;

  @Option(
      names = "--input-version",
      description = "Delta version of the input table to read (time travel for replays).")
  public Long inputVersion;

  /** The interval to process; {@link Interval#ALL} when none is given. */
  public Interval interval() {
    if (date != null) {
      if (start != null || end != null) {
        throw EtlException.usage("give either --date or --start/--end, not both");
      }
      try {
        return Interval.ofDate(LocalDate.parse(date));
      } catch (DateTimeParseException e) {
        throw EtlException.usage("--date '" + date + "' is not a date (YYYY-MM-DD)");
      }
    }
    if (start == null && end == null) {
      return Interval.ALL;
    }
    return new Interval(parseInstant("--start", start), parseInstant("--end", end));
  }

  /** The given run id, or a fresh one for an ad-hoc run. */
  public String runId() {
    if (runId == null) {
      runId = "manual__" + UUID.randomUUID();
    }
    return runId;
  }

  static Instant parseInstant(String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e2) {
        // A bare date means midnight UTC of that day.
        if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
          try {
            return LocalDate.parse(text).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
          } catch (DateTimeParseException e3) {
            // fall through to the usage error
          }
        }
        throw EtlException.usage(
            option + " '" + text + "' is not an ISO-8601 instant (e.g. 2024-02-03T00:00:00Z)");
      }
    }
  }
}
