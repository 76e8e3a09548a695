package com.altaviz.etl.bronze;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.Failpoint;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.StageContext;
import com.altaviz.etl.common.StageJob;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.StageResult;
import com.altaviz.etl.common.VersionProvider;
import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.quality.CheckResult;
import com.altaviz.etl.common.quality.QualityStore;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;

/**
 * Bronze stage: new raw deliveries of the interval's landing folders → append-only
 * bronze/sensor_readings; dimension CSVs → bronze dimension tables (replaced when changed). Every
 * input is validated before the first write, so bad input leaves bronze as it was: each new Parquet
 * file's footer (readable; every contract column once, ignoring case, of a readable type) and each
 * dimension CSV (columns by header, typed values, no compressor or station id twice). What a footer
 * cannot show, a data page that does not decode, surfaces only while the readings are appended; the
 * dimension tables are written after that append, so a failed run leaves them as they were.
 */
@Command(
    name = "altaviz-bronze",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Raw landing files -> bronze Delta tables (append-only audit trail).")
public class BronzeJob extends StageJob {

  public static void main(String[] args) {
    JobLauncher.main(new BronzeJob(), args);
  }

  @Override
  protected String stage() {
    return "bronze";
  }

  @Override
  protected String title() {
    return "BRONZE LAYER: Loading raw data";
  }

  /** One dimension CSV, its table and the column that must identify a row (null: none). */
  private record Dimension(String csv, StructType schema, String table, String key) {}

  @Override
  protected StageResult execute(StageContext ctx) throws Exception {
    StageLog log = ctx.log;
    Configuration conf = ctx.spark.sparkContext().hadoopConfiguration();
    LandingZone zone = new LandingZone(ctx.options.raw, conf);
    String bronze = ctx.lake.bronzeReadings();
    Timestamp ingestedAt = Timestamp.from(Instant.now());

    List<RawFile> listed =
        log.step(
            "Listing landing folders " + zone.root() + "/" + LandingZone.SENSOR_DIR,
            () -> {
              List<RawFile> files = zone.sensorFiles(ctx.interval);
              Set<LocalDate> folders = new TreeSet<>();
              files.forEach(f -> folders.add(f.landingDate()));
              log.info(
                  "  {} file(s) in {} landing folder(s) for {}: {}",
                  files.size(),
                  folders.size(),
                  ctx.interval,
                  folders);
              return files;
            });

    Map<String, String> hashes = new java.util.HashMap<>();
    List<RawFile> fresh =
        log.step(
            "Skipping deliveries already in bronze",
            () -> {
              Set<LocalDate> dates = new TreeSet<>();
              listed.forEach(f -> dates.add(f.landingDate()));
              List<Delivery> done = IngestedFiles.of(ctx.spark, bronze, dates);
              List<RawFile> out = new ArrayList<>();
              for (RawFile f : listed) {
                if (Delivery.alreadyIngested(f, done, () -> hash(f, conf, hashes))) {
                  log.info("  skip {} (this delivery is already in bronze)", f.shortName());
                } else {
                  hash(f, conf, hashes);
                  out.add(f);
                }
              }
              log.info(
                  "  new deliveries: {}, already ingested: {}",
                  out.size(),
                  listed.size() - out.size());
              return out;
            });

    Map<RawFile, Long> footerRows =
        log.step(
            "Validating schema of " + fresh.size() + " new file(s) (Parquet footers)",
            () -> {
              Map<RawFile, Long> rows = new LinkedHashMap<>();
              for (RawFile f : fresh) {
                long n = ParquetFooterCheck.check(f, conf);
                rows.put(f, n);
                log.info("  {}: {} rows, {} bytes ✓", f.shortName(), StageLog.count(n), f.size());
              }
              return rows;
            });
    long expectedRows = footerRows.values().stream().mapToLong(Long::longValue).sum();

    List<Dimension> dims =
        List.of(
            new Dimension(
                LandingZone.METADATA_CSV,
                Schemas.COMPRESSOR_METADATA,
                ctx.lake.bronzeMetadata(),
                "compressor_id"),
            new Dimension(
                LandingZone.MAINTENANCE_CSV,
                Schemas.MAINTENANCE_LOGS,
                ctx.lake.bronzeMaintenance(),
                null),
            new Dimension(
                LandingZone.STATIONS_CSV,
                Schemas.STATIONS,
                ctx.lake.bronzeStations(),
                "station_id"));
    Map<Dimension, List<Row>> dimRows =
        log.step(
            "Reading dimension CSVs by header name",
            () -> {
              Map<Dimension, List<Row>> out = new LinkedHashMap<>();
              for (Dimension d : dims) {
                String file = zone.file(d.csv()).toString();
                if (!zone.file(d.csv()).getFileSystem(conf).exists(zone.file(d.csv()))) {
                  throw EtlException.badInput("dimension file not found: " + file, null);
                }
                List<Row> rows =
                    DimensionCsv.rows(DimensionCsv.records(file, conf), d.schema(), file);
                if (d.key() != null) {
                  DimensionCsv.requireUnique(rows, d.schema(), d.key(), file);
                }
                log.info("  {}: {} rows ✓", d.csv(), StageLog.count(rows.size()));
                out.put(d, rows);
              }
              return out;
            });
    // After every input is validated: a bad delivery writes nothing but its ledger row.
    checkDeliveries(ctx, footerRows);

    // Everything is validated; from here on we write. Readings first: a data page that does
    // not decode shows only while they are appended, and must leave the dimension tables as
    // they were.
    long version =
        log.step(
            "Appending sensor readings to " + bronze,
            () -> {
              BronzeTables.createSensorReadings(ctx.spark, bronze);
              if (fresh.isEmpty()) {
                log.info("  nothing new to append");
                return DeltaIo.latestVersion(ctx.spark, bronze).getAsLong();
              }
              var rows =
                  SensorIngest.withLineage(
                      SensorIngest.read(ctx.spark, fresh), fresh, hashes, ingestedAt, ctx.runId);
              long v =
                  DeltaIo.append(
                      Failpoint.BRONZE_DURING_READINGS_WRITE.duringWrite(rows),
                      bronze,
                      ctx.runId,
                      BronzeTables.LANDING_DATE);
              Failpoint.BRONZE_AFTER_READINGS_COMMIT.reach();
              long written = DeltaIo.committedRows(ctx.spark, bronze, v);
              if (written != expectedRows) {
                // The commit is there, but bronze must hold exactly the files' rows: say so loudly.
                throw new IllegalStateException(
                    String.format(
                        "bronze version %d holds %d rows but the %d new files' footers say %d",
                        v, written, fresh.size(), expectedRows));
              }
              return v;
            });

    // Dimensions only once the readings are in: a failed run changes no dimension table. (Silver
    // and gold read the dimension tables at their latest version, and run only after bronze
    // succeeded.)
    log.step(
        "Writing dimension tables",
        () -> {
          for (Dimension d : dims) {
            var outcome =
                DimensionTables.replaceIfChanged(
                    ctx.spark,
                    dimRows.get(d),
                    d.schema(),
                    d.table(),
                    zone.file(d.csv()).toString(),
                    ctx.runId,
                    ingestedAt);
            log.info(
                "  {}: {} (version {}, {} rows)",
                d.table(),
                outcome.replaced() ? "replaced" : "unchanged, not rewritten",
                outcome.version(),
                StageLog.count(outcome.rows()));
          }
          return null;
        });
    Failpoint.BRONZE_AFTER_DIMENSIONS_COMMIT.reach();

    Map<LocalDate, Long> perFolder = new TreeMap<>();
    footerRows.forEach((f, n) -> perFolder.merge(f.landingDate(), n, Long::sum));
    perFolder.forEach((d, n) -> log.info("  date={}: {} rows", d, StageLog.count(n)));
    log.info(
        "Loaded sensor readings: {} rows, {} columns from {} new file(s); bronze version {}",
        StageLog.count(expectedRows),
        Schemas.RAW_SENSOR_READINGS.size(),
        fresh.size(),
        version);
    log.info("Bronze layer complete");
    return new StageResult(
        zone.root() + "/" + LandingZone.SENSOR_DIR,
        null,
        bronze,
        version,
        expectedRows,
        expectedRows,
        0);
  }

  /**
   * Bronze's checks (docs/quality-and-features.md), after validation and before anything is
   * appended: a {@code fail} exits 3 with nothing written to bronze.
   */
  private static void checkDeliveries(StageContext ctx, Map<RawFile, Long> footerRows) {
    Map<String, CheckConfig> checks = ctx.config.checks("bronze");
    Map<String, Long> perFile = new LinkedHashMap<>();
    footerRows.forEach((f, n) -> perFile.put(f.shortName(), n));
    List<CheckResult> results = BronzeChecks.evaluate(checks, perFile);
    if (results.isEmpty()) {
      return;
    }
    for (CheckResult r : results) {
      if (!r.status().equals(CheckResult.PASS)) {
        ctx.log.warn("  {} {}", r.message(), r.status());
      }
    }
    QualityStore.write(
        ctx.spark, ctx.lake.qualityMetrics(), results, ctx.runId, "bronze", ctx.interval);
    List<String> failed =
        results.stream()
            .filter(r -> r.status().equals(CheckResult.FAIL))
            .map(CheckResult::message)
            .toList();
    if (!failed.isEmpty()) {
      throw EtlException.qualityGate(
          "bronze check failed: " + String.join("; ", failed) + " — nothing appended");
    }
  }

  /** The file's SHA-256, computed once per run. */
  private static String hash(RawFile f, Configuration conf, Map<String, String> hashes) {
    return hashes.computeIfAbsent(f.path(), p -> ContentHash.sha256(p, conf));
  }
}
