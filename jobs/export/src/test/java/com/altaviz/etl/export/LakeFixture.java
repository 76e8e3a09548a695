package com.altaviz.etl.export;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.LakePaths;
import com.altaviz.etl.common.LedgerEntry;
import com.altaviz.etl.common.RunLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.spark.sql.SparkSession;

/**
 * A small lake for export runs: gold for two compressors over 2024-02-01..03 at the 10-minute
 * cadence, bronze dimensions, quality metrics and ledger rows.
 *
 * <ul>
 *   <li>COMP-001 is healthy; its readings of 2024-02-02 05:00–05:50 never arrived.
 *   <li>COMP-002's vibration is at warning from 2024-02-01 22:00, critical 23:30–23:50, peaks at
 *       9.0 at 2024-02-02 00:40 and is normal again from 02:00: one critical episode across
 *       midnight. On 2024-02-03 a warning at 10:00 and one at 10:30 with two normal readings
 *       between them form one warning episode.
 * </ul>
 */
final class LakeFixture {
  static final LocalDate DAY1 = LocalDate.of(2024, 2, 1);
  static final List<String> COMPRESSORS = List.of("COMP-001", "COMP-002");

  final SparkSession spark;
  final Path root;
  final LakePaths lake;

  LakeFixture(SparkSession spark, Path root) {
    this.spark = spark;
    this.root = root;
    this.lake = new LakePaths(root.toString());
  }

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  /** Every fixture reading of the given days (0 = 2024-02-01). */
  static List<GoldFixtures.Reading> readings(int firstDay, int lastDay) {
    List<GoldFixtures.Reading> out = new ArrayList<>();
    Instant start = DAY1.plusDays(firstDay).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end = DAY1.plusDays(lastDay + 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    for (Instant t = start; t.isBefore(end); t = t.plus(Duration.ofMinutes(10))) {
      if (t.isBefore(at("2024-02-02T05:00:00Z")) || !t.isBefore(at("2024-02-02T06:00:00Z"))) {
        out.add(GoldFixtures.vib("COMP-001", t, comp001Vibration(t)));
      }
      out.add(GoldFixtures.vib("COMP-002", t, comp002Vibration(t)));
    }
    return out;
  }

  /** 3.0, 3.1, … 3.4, repeating every five readings. */
  static double comp001Vibration(Instant t) {
    long slot = Duration.between(DAY1.atStartOfDay(ZoneOffset.UTC).toInstant(), t).toMinutes() / 10;
    return 3.0 + 0.1 * (slot % 5);
  }

  static double comp002Vibration(Instant t) {
    if (t.equals(at("2024-02-02T00:40:00Z"))) {
      return 9.0;
    }
    if (!t.isBefore(at("2024-02-01T23:30:00Z")) && t.isBefore(at("2024-02-02T00:00:00Z"))) {
      return 8.5;
    }
    if (!t.isBefore(at("2024-02-01T22:00:00Z")) && t.isBefore(at("2024-02-02T02:00:00Z"))) {
      return 6.5;
    }
    if (t.equals(at("2024-02-03T10:00:00Z"))) {
      return 6.1;
    }
    if (t.equals(at("2024-02-03T10:30:00Z"))) {
      return 6.2;
    }
    return 3.0;
  }

  /** Writes gold days [firstDay, lastDay] (replacing them), keeping readings that pass. */
  void writeGold(int firstDay, int lastDay, Predicate<GoldFixtures.Reading> keep) {
    List<GoldFixtures.Reading> rs = readings(firstDay, lastDay).stream().filter(keep).toList();
    Instant from = DAY1.plusDays(firstDay).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant to = DAY1.plusDays(lastDay + 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    DeltaIo.replaceWhere(
        GoldFixtures.gold(spark, rs),
        lake.goldFeatures(),
        new com.altaviz.etl.common.Interval(from, to).sqlPredicate("timestamp"),
        "fixture-gold",
        "date");
  }

  void writeGold(int firstDay, int lastDay) {
    writeGold(firstDay, lastDay, r -> true);
  }

  void writeDimensions() {
    DeltaIo.overwrite(GoldFixtures.stations(spark), lake.bronzeStations(), "fixture-bronze");
    DeltaIo.overwrite(
        GoldFixtures.compressorMetadata(spark, COMPRESSORS),
        lake.bronzeMetadata(),
        "fixture-bronze");
    DeltaIo.overwrite(
        GoldFixtures.maintenanceLogs(spark), lake.bronzeMaintenance(), "fixture-bronze");
  }

  /**
   * Silver's metrics and gold's ledger row for a daily run, plus an old run's that no export range
   * overlaps. Call after the gold is written.
   */
  void writeOps() {
    DeltaIo.append(
        GoldFixtures.qualityMetrics(
                spark, "daily__2024-02-02", at("2024-02-02T00:00:00Z"), at("2024-02-03T00:00:00Z"))
            .union(
                GoldFixtures.qualityMetrics(
                    spark,
                    "daily__2024-01-10",
                    at("2024-01-10T00:00:00Z"),
                    at("2024-01-11T00:00:00Z"))),
        lake.qualityMetrics(),
        "fixture-silver");
    // the gold runs committed the gold version there is now: the export pins it through them
    long goldVersion = DeltaIo.latestVersion(spark, lake.goldFeatures()).orElseThrow();
    RunLedger ledger = new RunLedger(spark, lake);
    ledger.record(
        ledgerEntry(
            "daily__2024-02-02",
            "gold",
            "2024-02-02T00:00:00Z",
            "2024-02-03T00:00:00Z",
            goldVersion));
    ledger.record(
        ledgerEntry(
            "daily__2024-01-10",
            "gold",
            "2024-01-10T00:00:00Z",
            "2024-01-11T00:00:00Z",
            goldVersion));
  }

  private LedgerEntry ledgerEntry(
      String runId, String stage, String start, String end, long outputVersion) {
    Instant s = at(start);
    // what that gold version holds in the run's written range [start - 24 h lookback, end): the
    // export refuses a pinned version that disagrees with its ledger row
    long rows =
        DeltaIo.count(
            spark,
            lake.goldFeatures(),
            outputVersion,
            DeltaIo.dateRangePredicate(
                new Interval(s.minus(Duration.ofHours(24)), at(end)), "timestamp"));
    return new LedgerEntry(
        runId,
        stage,
        s,
        at(end),
        "silver/sensor_readings",
        3L,
        "gold/sensor_features",
        outputVersion,
        rows,
        rows,
        0,
        LedgerEntry.SUCCESS,
        null,
        s.plus(Duration.ofDays(1)).plusSeconds(60),
        s.plus(Duration.ofDays(1)).plusSeconds(75),
        "local-1");
  }
}
