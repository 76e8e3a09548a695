package com.altaviz.etl.bronze;

import static com.altaviz.etl.bronze.RawFixtures.reading;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.DeltaIo;
import com.altaviz.etl.common.JobLauncher;
import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.SparkTestBase;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bronze job end to end on a @TempDir landing zone and lake, through JobLauncher. */
class BronzeJobTest extends SparkTestBase {
  @TempDir Path dir;
  Path raw;
  Path lake;
  String stderr;

  @BeforeEach
  void landing() {
    raw = dir.resolve("raw");
    lake = dir.resolve("lake");
    RawFixtures.parquet(
        spark,
        raw,
        "2024-02-01",
        "part-00000.parquet",
        List.of(
            reading("COMP-001", "2024-02-01T00:00:00Z", 2.0),
            reading("COMP-001", "2024-02-01T00:10:00Z", 2.1),
            reading("COMP-002", "2024-02-01T00:00:00Z", 3.0)));
    // one late reading of Feb 1 that arrived on Feb 2
    RawFixtures.parquet(
        spark,
        raw,
        "2024-02-02",
        "part-00000.parquet",
        List.of(
            reading("COMP-002", "2024-02-01T23:50:00Z", 3.1),
            reading("COMP-001", "2024-02-02T00:00:00Z", 2.2)));
    RawFixtures.dimensions(raw);
  }

  int bronze(String... extra) {
    List<String> args =
        new ArrayList<>(List.of("--raw", raw.toString(), "--lake", lake.toString()));
    args.addAll(List.of(extra));
    PrintStream old = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      return JobLauncher.run(new BronzeJob(), args.toArray(String[]::new));
    } finally {
      System.setErr(old);
      stderr = buf.toString(StandardCharsets.UTF_8);
    }
  }

  String table() {
    return lake.resolve("bronze/sensor_readings").toString();
  }

  long version() {
    return DeltaIo.latestVersion(spark, table()).orElse(-1);
  }

  long rows() {
    return DeltaIo.read(spark, table(), OptionalLong.empty()).count();
  }

  @Test
  void ingestsTheLandingFolderOfTheDateWithLineage() throws Exception {
    assertThat(bronze("--date", "2024-02-01", "--run-id", "r1")).isZero();

    List<Row> got =
        DeltaIo.read(spark, table(), OptionalLong.empty())
            .orderBy("compressor_id", "timestamp")
            .collectAsList();
    assertThat(got).hasSize(3);
    Row first = got.get(0);
    assertThat(first.getString(0)).isEqualTo("COMP-001");
    assertThat(first.<Timestamp>getAs("timestamp").toInstant())
        .isEqualTo(Instant.parse("2024-02-01T00:00:00Z"));
    assertThat(first.<Double>getAs("vibration_mms")).isEqualTo(2.0);
    assertThat(first.<String>getAs("_run_id")).isEqualTo("r1");
    assertThat(first.<Date>getAs("_landing_date")).isEqualTo(Date.valueOf("2024-02-01"));
    Path file = raw.resolve("sensor_readings/date=2024-02-01/part-00000.parquet");
    assertThat(first.<String>getAs("_source_file")).isEqualTo("file:" + file);
    assertThat(first.<String>getAs("_source_sha256")).isEqualTo(sha256(file));
    assertThat(first.<Long>getAs("_source_size")).isEqualTo(file.toFile().length());
    assertThat(first.<Timestamp>getAs("_source_modified_at").getTime())
        .isEqualTo(file.toFile().lastModified());
    assertThat(got)
        .extracting(r -> r.getAs("_ingested_at"))
        .containsOnly(first.<Timestamp>getAs("_ingested_at"));
    assertThat(
            DeltaTable.forPath(spark, table())
                .detail()
                .select("properties")
                .first()
                .<String, String>getJavaMap(0))
        .containsEntry("delta.appendOnly", "true");
  }

  @Test
  void runningTwiceForTheSameIntervalAddsNothing() {
    assertThat(bronze("--date", "2024-02-01", "--run-id", "r1")).isZero();
    long v = version();
    long metadataVersion =
        DeltaIo.latestVersion(spark, lake.resolve("bronze/compressor_metadata").toString())
            .getAsLong();

    assertThat(bronze("--date", "2024-02-01", "--run-id", "r2")).isZero();

    assertThat(version()).isEqualTo(v);
    assertThat(rows()).isEqualTo(3);
    // unchanged dimension CSVs are not rewritten either
    assertThat(
            DeltaIo.latestVersion(spark, lake.resolve("bronze/compressor_metadata").toString())
                .getAsLong())
        .isEqualTo(metadataVersion);
    // the ledger still names the bronze version, so silver of run r2 pins to it
    Row ledger =
        spark
            .read()
            .format("delta")
            .load(lake.resolve("ops/pipeline_runs").toString())
            .where(col("run_id").equalTo("r2"))
            .first();
    assertThat(ledger.<Long>getAs("output_version")).isEqualTo(v);
    assertThat(ledger.<Long>getAs("rows_in")).isZero();
    assertThat(ledger.<Long>getAs("rows_out")).isZero();
    assertThat(ledger.<String>getAs("status")).isEqualTo("success");
  }

  @Test
  void theNextDayPicksUpTheLateReadingByLandingFolder() {
    assertThat(bronze("--date", "2024-02-01")).isZero();
    assertThat(bronze("--date", "2024-02-02")).isZero();

    assertThat(rows()).isEqualTo(5);
    Row late =
        DeltaIo.read(spark, table(), OptionalLong.empty())
            .where(col("timestamp").equalTo(Timestamp.from(Instant.parse("2024-02-01T23:50:00Z"))))
            .first();
    assertThat(late.<Date>getAs("_landing_date")).isEqualTo(Date.valueOf("2024-02-02"));
  }

  @Test
  void allModeIngestsEveryFolderOnce() {
    assertThat(bronze("--run-id", "all")).isZero();
    assertThat(rows()).isEqualTo(5);
    assertThat(bronze("--run-id", "all-again")).isZero();
    assertThat(rows()).isEqualTo(5);
    Row ledger =
        spark
            .read()
            .format("delta")
            .load(lake.resolve("ops/pipeline_runs").toString())
            .where(col("run_id").equalTo("all"))
            .first();
    assertThat(ledger.<Long>getAs("rows_in")).isEqualTo(5);
    assertThat(ledger.<Long>getAs("rows_out")).isEqualTo(5);
    assertThat(ledger.<String>getAs("output_table")).isEqualTo(table());
    assertThat(ledger.<Long>getAs("output_version")).isEqualTo(version());
  }

  @Test
  void aChangedReDeliveryIsAppendedAsANewDelivery() {
    assertThat(bronze("--date", "2024-02-01", "--run-id", "first")).isZero();
    Path file =
        RawFixtures.parquet(
            spark,
            raw,
            "2024-02-01",
            "part-00000.parquet",
            List.of(
                reading("COMP-001", "2024-02-01T00:00:00Z", 2.5),
                reading("COMP-001", "2024-02-01T00:20:00Z", 2.6)));
    RawFixtures.setModified(file, Instant.now().plusSeconds(60));

    assertThat(bronze("--date", "2024-02-01", "--run-id", "second")).isZero();

    assertThat(rows()).isEqualTo(5);
    List<Row> byRun =
        DeltaIo.read(spark, table(), OptionalLong.empty())
            .groupBy("_run_id")
            .count()
            .orderBy("_run_id")
            .collectAsList();
    assertThat(byRun)
        .extracting(r -> r.getString(0) + "=" + r.getLong(1))
        .containsExactly("first=3", "second=2");
  }

  @Test
  void aByteIdenticalReDeliveryIsNotIngestedAgainButAFileNameWithASpaceIs() throws Exception {
    assertThat(bronze("--date", "2024-02-01", "--run-id", "first")).isZero();
    long v = version();
    Path file = raw.resolve("sensor_readings/date=2024-02-01/part-00000.parquet");
    Files.write(file, Files.readAllBytes(file)); // written again: same bytes, new mtime
    RawFixtures.setModified(file, Instant.now().plusSeconds(60));

    assertThat(bronze("--date", "2024-02-01", "--run-id", "again")).isZero();
    assertThat(version()).isEqualTo(v);

    Path spaced =
        RawFixtures.parquet(
            spark,
            raw,
            "2024-02-01",
            "re transmit #1.parquet",
            List.of(reading("COMP-002", "2024-02-01T00:10:00Z", 3.3)));
    assertThat(bronze("--date", "2024-02-01", "--run-id", "spaced")).isZero();
    Row r =
        DeltaIo.read(spark, table(), OptionalLong.empty())
            .where(col("_run_id").equalTo("spaced"))
            .first();
    assertThat(r.<String>getAs("_source_file")).isEqualTo("file:" + spaced);
    assertThat(r.<Long>getAs("_source_size")).isEqualTo(Files.size(spaced));
    assertThat(rows()).isEqualTo(4);
  }

  static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  @Test
  void aCorruptParquetFileStopsTheRunNamingItAndWritesNothing() throws Exception {
    assertThat(bronze("--date", "2024-02-01")).isZero();
    long v = version();
    RawFixtures.parquet(
        spark,
        raw,
        "2024-02-02",
        "part-00001.parquet",
        List.of(reading("COMP-001", "2024-02-02T00:10:00Z", 2.3)));
    Path bad = raw.resolve("sensor_readings/date=2024-02-02/part-00001.parquet");
    byte[] bytes = Files.readAllBytes(bad);
    Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // footer cut off

    assertThat(bronze("--date", "2024-02-02")).isEqualTo(2);

    assertThat(stderr)
        .contains("altaviz-bronze: error: raw file")
        .contains("part-00001.parquet is not a readable Parquet file")
        .doesNotContain("\tat ");
    assertThat(version()).isEqualTo(v);
    assertThat(rows()).isEqualTo(3); // the valid part-00000 of Feb 2 was not appended either
  }

  @Test
  void anEmptyFileIsRejectedLikeACorruptOne() throws Exception {
    Files.write(raw.resolve("sensor_readings/date=2024-02-01/part-00009.parquet"), new byte[0]);

    assertThat(bronze("--date", "2024-02-01")).isEqualTo(2);

    assertThat(stderr).contains("part-00009.parquet is not a readable Parquet file");
    assertThat(DeltaIo.exists(spark, table())).isFalse();
    assertThat(DeltaIo.exists(spark, lake.resolve("bronze/compressor_metadata").toString()))
        .isFalse();
  }

  @Test
  void ancientAndFarFutureTimestampsOfAGatewayFileAreIngestedAsWritten() {
    // Without Spark's metadata in the file, Spark's default refuses dates before 1582-10-15 and
    // timestamps before 1900; gateways write the proleptic Gregorian calendar (CORRECTED).
    List<String> times =
        List.of(
            "0001-01-01T00:00:00Z",
            "1000-01-01T00:00:00Z",
            "1582-10-10T00:00:00Z",
            "1899-12-31T23:59:59Z",
            "2024-02-03T00:00:00Z",
            "9999-12-31T23:59:59Z");
    List<Object[]> rows = new ArrayList<>();
    times.forEach(t -> rows.add(RawFixtures.gatewayReading("COMP-001", t, 2.0)));
    RawFixtures.gatewayParquet(
        raw, "2024-02-03", "gw-int64.parquet", RawFixtures.GATEWAY_SCHEMA, rows);
    RawFixtures.gatewayParquet(
        raw,
        "2024-02-03",
        "gw-int96.parquet",
        RawFixtures.GATEWAY_SCHEMA.replace(
            "int64 timestamp (TIMESTAMP(MICROS,true))", "int96 timestamp"),
        List.of(
            RawFixtures.gatewayReading("COMP-002", "0001-01-01T00:00:00Z", 3.0),
            RawFixtures.gatewayReading("COMP-002", "1582-10-10T12:00:00Z", 3.0)));

    assertThat(bronze("--date", "2024-02-03", "--run-id", "gw")).as(stderr).isZero();

    List<Row> got =
        DeltaIo.read(spark, table(), OptionalLong.empty())
            .where(col("_landing_date").equalTo(Date.valueOf("2024-02-03")))
            .orderBy("compressor_id", "timestamp")
            // Spark's own rendering: java.sql.Timestamp would shift dates before 1582 (Julian)
            .selectExpr("concat(compressor_id, ' ', CAST(timestamp AS STRING))")
            .collectAsList();
    assertThat(got)
        .extracting(r -> r.getString(0))
        .containsExactly(
            "COMP-001 0001-01-01 00:00:00",
            "COMP-001 1000-01-01 00:00:00",
            "COMP-001 1582-10-10 00:00:00",
            "COMP-001 1899-12-31 23:59:59",
            "COMP-001 2024-02-03 00:00:00",
            "COMP-001 9999-12-31 23:59:59",
            "COMP-002 0001-01-01 00:00:00",
            "COMP-002 1582-10-10 12:00:00");
  }

  @Test
  void aFileMissingAColumnStopsTheRunNamingFileAndColumn() {
    assertThat(bronze("--date", "2024-02-01")).isZero();
    long v = version();
    StructType eight = new StructType();
    for (var f : Schemas.RAW_SENSOR_READINGS.fields()) {
      if (!f.name().equals("gas_flow_mcf")) {
        eight = eight.add(f);
      }
    }
    RawFixtures.parquet(
        spark,
        raw,
        "2024-02-02",
        "part-00001.parquet",
        List.of(
            RowFactory.create(
                "COMP-001",
                Timestamp.from(Instant.parse("2024-02-02T00:10:00Z")),
                2.0,
                200.0,
                60.0,
                1000.0,
                1400.0,
                1234.5)),
        eight);

    assertThat(bronze("--date", "2024-02-02")).isEqualTo(2);

    assertThat(stderr)
        .contains(
            "date=2024-02-02/part-00001.parquet has an incompatible schema: "
                + "missing column gas_flow_mcf");
    assertThat(version()).isEqualTo(v);
  }

  /** Latest version of every bronze table, dimensions included (-1: no table). */
  List<Long> bronzeVersions() {
    List<Long> out = new ArrayList<>();
    for (String t :
        List.of("sensor_readings", "compressor_metadata", "maintenance_logs", "stations")) {
      out.add(
          DeltaIo.latestVersion(spark, lake.resolve("bronze").resolve(t).toString()).orElse(-1));
    }
    return out;
  }

  @Test
  void columnsWhoseNamesDifferOnlyInCaseStopTheRunBeforeAnyTableChanges() {
    assertThat(bronze("--date", "2024-02-01")).isZero();
    List<Long> before = bronzeVersions();
    // a changed dimension CSV, which a run that got as far as writing would replace
    RawFixtures.write(
        raw.resolve("stations.csv"),
        RawFixtures.STATIONS_CSV + "STN-003,Haynesville,32.5,-93.7,East,LA\n");
    Object[] row =
        java.util.Arrays.copyOf(
            RawFixtures.gatewayReading("COMP-001", "2024-02-02T00:10:00Z", 2.0), 10);
    row[9] = "COMP-002";
    Path bad =
        RawFixtures.gatewayParquet(
            raw,
            "2024-02-02",
            "part-00001.parquet",
            RawFixtures.GATEWAY_SCHEMA + " optional binary COMPRESSOR_ID (STRING);",
            List.<Object[]>of(row));

    assertThat(bronze("--date", "2024-02-02")).isEqualTo(2);

    assertThat(stderr.lines().filter(l -> l.contains("error")))
        .containsExactly(
            "altaviz-bronze: error: raw file file:"
                + bad
                + " has an incompatible schema: "
                + "columns compressor_id and COMPRESSOR_ID differ only in case");
    assertThat(stderr).doesNotContain("\tat ");
    assertThat(bronzeVersions()).isEqualTo(before);
  }

  @Test
  void aCompressorOrStationListedTwiceStopsTheRunBeforeAnyTableChanges() {
    assertThat(bronze("--date", "2024-02-01")).isZero();
    List<Long> before = bronzeVersions();
    Path metadata = raw.resolve("compressor_metadata.csv");
    RawFixtures.write(
        metadata, RawFixtures.METADATA_CSV + "COMP-002,Ariel JGK/4,1500,2021-01-01,STN-001\n");

    assertThat(bronze("--date", "2024-02-02")).isEqualTo(2);

    assertThat(stderr.lines().filter(l -> l.contains("error")))
        .containsExactly(
            "altaviz-bronze: error: dimension file file:"
                + metadata
                + " lists compressor_id COMP-002 more than once");
    assertThat(bronzeVersions()).isEqualTo(before);

    RawFixtures.write(metadata, RawFixtures.METADATA_CSV);
    Path stations = raw.resolve("stations.csv");
    RawFixtures.write(
        stations, RawFixtures.STATIONS_CSV + "STN-001,Permian South,31.0,-102.0,Permian,TX\n");

    assertThat(bronze("--date", "2024-02-02")).isEqualTo(2);

    assertThat(stderr.lines().filter(l -> l.contains("error")))
        .containsExactly(
            "altaviz-bronze: error: dimension file file:"
                + stations
                + " lists station_id STN-001 more than once");
    assertThat(bronzeVersions()).isEqualTo(before);
  }

  @Test
  void aColumnOfTheWrongTypeIsIncompatible() {
    StructType intHours = new StructType();
    for (var f : Schemas.RAW_SENSOR_READINGS.fields()) {
      intHours =
          f.name().equals("operating_hours")
              ? intHours.add("operating_hours", DataTypes.IntegerType)
              : intHours.add(f);
    }
    RawFixtures.parquet(
        spark,
        raw,
        "2024-02-03",
        "part-00000.parquet",
        List.of(
            RowFactory.create(
                "COMP-001",
                Timestamp.from(Instant.parse("2024-02-03T00:00:00Z")),
                2.0,
                200.0,
                60.0,
                1000.0,
                1400.0,
                9000.0,
                12)),
        intHours);

    assertThat(bronze("--date", "2024-02-03")).isEqualTo(2);

    assertThat(stderr).contains("column operating_hours is int32, expected double");
  }

  @Test
  void dimensionCsvsAreReadByHeaderName() {
    RawFixtures.write(
        raw.resolve("compressor_metadata.csv"),
        "station_id,compressor_id,install_date,horsepower,model\n"
            + "STN-001,COMP-001,2019-03-01,1500,Ajax DPC-360\n");

    assertThat(bronze("--date", "2024-02-01", "--run-id", "dims")).isZero();

    Row m =
        DeltaIo.read(
                spark, lake.resolve("bronze/compressor_metadata").toString(), OptionalLong.empty())
            .first();
    assertThat(m.<String>getAs("compressor_id")).isEqualTo("COMP-001");
    assertThat(m.<String>getAs("model")).isEqualTo("Ajax DPC-360");
    assertThat(m.<Double>getAs("horsepower")).isEqualTo(1500.0);
    assertThat(m.<Date>getAs("install_date")).isEqualTo(Date.valueOf("2019-03-01"));
    assertThat(m.<String>getAs("station_id")).isEqualTo("STN-001");
    assertThat(m.<String>getAs("_run_id")).isEqualTo("dims");
    Row mt =
        DeltaIo.read(
                spark, lake.resolve("bronze/maintenance_logs").toString(), OptionalLong.empty())
            .first();
    assertThat(mt.<String>getAs("description")).isEqualTo("Oil change, filters");
    assertThat(mt.<String>getAs("notes")).isEqualTo("said \"ok\"");
    assertThat(mt.<Timestamp>getAs("performed_at").toInstant())
        .isEqualTo(Instant.parse("2024-01-20T08:00:00Z"));
  }

  @Test
  void aChangedDimensionCsvReplacesTheTable() {
    assertThat(bronze("--date", "2024-02-01")).isZero();
    String stations = lake.resolve("bronze/stations").toString();
    long v = DeltaIo.latestVersion(spark, stations).getAsLong();
    RawFixtures.write(
        raw.resolve("stations.csv"),
        RawFixtures.STATIONS_CSV + "STN-003,Haynesville,32.5,-93.7,East,LA\n");

    assertThat(bronze("--date", "2024-02-01")).isZero();

    assertThat(DeltaIo.latestVersion(spark, stations).getAsLong()).isEqualTo(v + 1);
    assertThat(DeltaIo.read(spark, stations, OptionalLong.empty()).count()).isEqualTo(3);
  }

  @Test
  void aDimensionCsvMissingAColumnStopsTheRunNamingFileAndColumn() {
    RawFixtures.write(
        raw.resolve("stations.csv"),
        "station_id,station_name,latitude,region,state\nSTN-001,Permian North,31.9,Permian,TX\n");

    assertThat(bronze("--date", "2024-02-01")).isEqualTo(2);

    assertThat(stderr).contains("stations.csv lacks column 'longitude'");
    assertThat(DeltaIo.exists(spark, table())).isFalse();
  }

  @Test
  void aDimensionValueThatDoesNotParseStopsTheRun() {
    RawFixtures.write(
        raw.resolve("compressor_metadata.csv"),
        "compressor_id,model,horsepower,install_date,station_id\n"
            + "COMP-001,Ajax,fifteen hundred,2019-03-01,STN-001\n");

    assertThat(bronze("--date", "2024-02-01")).isEqualTo(2);

    assertThat(stderr)
        .contains(
            "compressor_metadata.csv, data row 1: column 'horsepower' value "
                + "'fifteen hundred' is not a double");
  }

  // Bad deliveries that stop the run: exit 2, one line naming the file or folder, nothing written
  // but the run's failed ledger row. tests/test_bad_input.py runs a few such deliveries through
  // spark-submit (the process's exit code and stderr); these are the others, in this JVM.

  /** Runs bronze for Feb 1 and asserts the stop: the one error line starts with {@code want}. */
  void assertStopsWritingNothing(String want) {
    assertThat(bronze("--date", "2024-02-01")).as(stderr).isEqualTo(2);
    List<String> errors =
        stderr.lines().filter(l -> l.startsWith("altaviz-bronze: error: ")).toList();
    assertThat(errors).as(stderr).hasSize(1);
    assertThat(errors.get(0)).startsWith("altaviz-bronze: error: " + want);
    assertThat(stderr).doesNotContain("\tat ");
    assertThat(bronzeVersions()).containsOnly(-1L);
    assertThat(DeltaIo.exists(spark, lake.resolve("ops/quality_metrics").toString())).isFalse();
    List<Row> ledger =
        spark
            .read()
            .format("delta")
            .load(lake.resolve("ops/pipeline_runs").toString())
            .collectAsList();
    assertThat(ledger).hasSize(1);
    Row row = ledger.get(0);
    assertThat(
            List.<Object>of(row.getAs("stage"), row.getAs("status"), row.<Long>getAs("rows_out")))
        .containsExactly("bronze", "failed", 0L);
    assertThat(row.<String>getAs("message"))
        .isEqualTo(errors.get(0).substring("altaviz-bronze: error: ".length()));
  }

  String uri(Path p) {
    return "file:" + p;
  }

  Path feb1(String name) {
    return raw.resolve("sensor_readings/date=2024-02-01").resolve(name);
  }

  @Test
  void aFooterLengthBeyondTheFileIsNotAReadableParquetFile() throws Exception {
    byte[] bytes = Files.readAllBytes(feb1("part-00000.parquet"));
    int n = bytes.length;
    bytes[n - 8] = (byte) 0xff;
    bytes[n - 7] = (byte) 0xff;
    bytes[n - 6] = (byte) 0xff;
    bytes[n - 5] = (byte) 0x7f;
    Files.write(feb1("part-00001.parquet"), bytes);

    assertStopsWritingNothing(
        "raw file " + uri(feb1("part-00001.parquet")) + " is not a readable Parquet file");
  }

  @Test
  void aStringInANumericColumnIsAnIncompatibleSchema() {
    StructType stringTemp = new StructType();
    for (var f : Schemas.RAW_SENSOR_READINGS.fields()) {
      stringTemp =
          f.name().equals("discharge_temp_f")
              ? stringTemp.add("discharge_temp_f", DataTypes.StringType)
              : stringTemp.add(f);
    }
    RawFixtures.parquet(
        spark,
        raw,
        "2024-02-01",
        "part-00001.parquet",
        List.of(
            RowFactory.create(
                "COMP-001",
                Timestamp.from(Instant.parse("2024-02-01T00:20:00Z")),
                2.0,
                "hot",
                60.0,
                1000.0,
                1400.0,
                9000.0,
                12.0)),
        stringTemp);

    assertStopsWritingNothing(
        "raw file "
            + uri(feb1("part-00001.parquet"))
            + " has an incompatible schema: column discharge_temp_f is binary (STRING), "
            + "expected double");
  }

  @Test
  void aCsvRowWithMoreFieldsThanItsHeaderStopsTheRun() {
    // an unquoted thousands separator
    RawFixtures.write(
        raw.resolve("compressor_metadata.csv"),
        RawFixtures.METADATA_CSV.replace("1400.5", "1,400"));

    assertStopsWritingNothing("dimension file " + uri(raw.resolve("compressor_metadata.csv")));
  }

  @Test
  void aCsvThatIsNotUtf8StopsTheRun() throws Exception {
    Files.write(
        raw.resolve("stations.csv"),
        RawFixtures.STATIONS_CSV
            .replace("Permian North", "Estación Pérmica")
            .getBytes(StandardCharsets.ISO_8859_1));

    assertStopsWritingNothing(
        "dimension file " + uri(raw.resolve("stations.csv")) + " is not UTF-8 text");
  }

  @Test
  void aMissingDimensionCsvStopsTheRun() throws Exception {
    Files.delete(raw.resolve("maintenance_logs.csv"));

    assertStopsWritingNothing(
        "dimension file not found: " + uri(raw.resolve("maintenance_logs.csv")));
  }

  @Test
  void aLandingFolderNotNamedByDateStopsTheRun() throws Exception {
    Files.createDirectories(raw.resolve("sensor_readings/misc"));

    assertStopsWritingNothing(
        "unexpected folder in the landing zone (want date=YYYY-MM-DD): "
            + uri(raw.resolve("sensor_readings/misc")));
  }

  @Test
  void aRawRootThatDoesNotExistStopsTheRun() {
    raw = dir.resolve("nowhere");

    assertStopsWritingNothing("raw landing root does not exist: " + uri(raw));
  }
}
