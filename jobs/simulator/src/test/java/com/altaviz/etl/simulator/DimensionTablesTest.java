package com.altaviz.etl.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.SparkTestBase;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dimension CSVs: header columns of Schemas, readable by name and type, consistent. */
class DimensionTablesTest extends SparkTestBase {
  @TempDir static Path raw;
  static final SimulationSpec SPEC =
      new SimulationSpec(10, 7, LocalDate.parse("2024-02-01"), 42, DefectRates.NONE);

  @BeforeAll
  static void writeCsvs() throws Exception {
    LandingWriter w = new LandingWriter(raw.toString(), spark.sparkContext().hadoopConfiguration());
    w.writeCsv(LandingWriter.COMPRESSOR_METADATA, DimensionTables.compressorMetadata(SPEC));
    w.writeCsv(LandingWriter.MAINTENANCE_LOGS, DimensionTables.maintenanceLogs(SPEC));
    w.writeCsv(LandingWriter.STATIONS, DimensionTables.stations(SPEC));
  }

  @Test
  void headersAreTheSchemaColumns() {
    assertThat(Landing.csvLines(raw, LandingWriter.COMPRESSOR_METADATA).get(0))
        .isEqualTo("compressor_id,model,horsepower,install_date,station_id")
        .isEqualTo(String.join(",", Schemas.COMPRESSOR_METADATA.fieldNames()));
    assertThat(Landing.csvLines(raw, LandingWriter.MAINTENANCE_LOGS).get(0))
        .isEqualTo(
            "maintenance_id,compressor_id,maintenance_type,description,performed_at,cost_usd,"
                + "performed_by,notes")
        .isEqualTo(String.join(",", Schemas.MAINTENANCE_LOGS.fieldNames()));
    assertThat(Landing.csvLines(raw, LandingWriter.STATIONS).get(0))
        .isEqualTo("station_id,station_name,latitude,longitude,region,state")
        .isEqualTo(String.join(",", Schemas.STATIONS.fieldNames()));
  }

  @Test
  void everyValueParsesWithTheContractTypes() {
    // FAILFAST: a value that does not parse as its type fails the read; enforceSchema=false
    // makes Spark check the header names against the schema.
    assertThat(read(LandingWriter.COMPRESSOR_METADATA, Schemas.COMPRESSOR_METADATA).count())
        .isEqualTo(10);
    assertThat(read(LandingWriter.STATIONS, Schemas.STATIONS).count()).isEqualTo(4);
    assertThat(read(LandingWriter.MAINTENANCE_LOGS, Schemas.MAINTENANCE_LOGS).count())
        .isEqualTo(Landing.csvLines(raw, LandingWriter.MAINTENANCE_LOGS).size() - 1);
    for (var t :
        List.of(
            List.of(LandingWriter.COMPRESSOR_METADATA, Schemas.COMPRESSOR_METADATA),
            List.of(LandingWriter.STATIONS, Schemas.STATIONS),
            List.of(LandingWriter.MAINTENANCE_LOGS, Schemas.MAINTENANCE_LOGS))) {
      StructType schema = (StructType) t.get(1);
      Dataset<Row> df = read((String) t.get(0), schema);
      for (String c : schema.fieldNames()) {
        assertThat(df.where(df.col(c).isNull()).count()).as("nulls in %s.%s", t.get(0), c).isZero();
      }
    }
  }

  @Test
  void metadataNamesEveryCompressorWithARatingAboveItsLoadAndAKnownStation() {
    List<Row> meta =
        read(LandingWriter.COMPRESSOR_METADATA, Schemas.COMPRESSOR_METADATA).collectAsList();
    assertThat(meta.stream().map(r -> r.<String>getAs("compressor_id")))
        .containsExactly(
            "COMP-001",
            "COMP-002",
            "COMP-003",
            "COMP-004",
            "COMP-005",
            "COMP-006",
            "COMP-007",
            "COMP-008",
            "COMP-009",
            "COMP-010");
    // Loads are at most 1,600 hp × 1.10 (degradation) × 1.06 (noise) = 1,866 hp.
    assertThat(meta).allMatch(r -> r.<Double>getAs("horsepower") > 1866);
    assertThat(meta)
        .allMatch(
            r -> r.<java.sql.Date>getAs("install_date").toLocalDate().isBefore(SPEC.startDate()));
    Set<String> stations =
        read(LandingWriter.STATIONS, Schemas.STATIONS).collectAsList().stream()
            .map(r -> r.<String>getAs("station_id"))
            .collect(Collectors.toSet());
    assertThat(stations).containsExactlyInAnyOrder("STN-001", "STN-002", "STN-003", "STN-004");
    assertThat(meta.stream().map(r -> r.<String>getAs("station_id")).collect(Collectors.toSet()))
        .isEqualTo(stations);
  }

  @Test
  void maintenanceLogHasServicesBeforeThePeriodAndTheFailuresWithTheirRepairs() {
    List<Row> log = read(LandingWriter.MAINTENANCE_LOGS, Schemas.MAINTENANCE_LOGS).collectAsList();
    assertThat(log.stream().map(r -> r.<String>getAs("maintenance_id")).distinct().count())
        .isEqualTo(log.size());
    assertThat(log)
        .allMatch(
            r ->
                Set.of("scheduled", "unscheduled", "inspection", "failure")
                    .contains(r.<String>getAs("maintenance_type")));
    Timestamp start = Timestamp.from(SPEC.periodStart());
    Set<String> serviced =
        log.stream()
            .filter(
                r ->
                    r.getAs("maintenance_type").equals("scheduled")
                        && r.<Timestamp>getAs("performed_at").before(start))
            .map(r -> r.<String>getAs("compressor_id"))
            .collect(Collectors.toSet());
    assertThat(serviced).hasSize(10);
    List<String> failures =
        log.stream()
            .filter(r -> r.getAs("maintenance_type").equals("failure"))
            .map(r -> r.getAs("compressor_id") + " " + r.getAs("performed_at"))
            .toList();
    assertThat(failures)
        .containsExactly("COMP-003 2024-02-05 14:00:00.0", "COMP-007 2024-02-06 22:00:00.0");
    List<String> repairs =
        log.stream()
            .filter(r -> r.getAs("maintenance_type").equals("unscheduled"))
            .map(r -> r.getAs("compressor_id") + " " + r.getAs("performed_at"))
            .toList();
    assertThat(repairs)
        .containsExactly("COMP-003 2024-02-05 20:00:00.0", "COMP-007 2024-02-07 04:00:00.0");
  }

  @Test
  void atScaleEveryIdIsUniqueAndStationsCoverTheFleet() {
    SimulationSpec big =
        new SimulationSpec(4500, 7, LocalDate.parse("2024-02-01"), 42, DefectRates.NONE);
    CsvTable meta = DimensionTables.compressorMetadata(big);
    assertThat(meta.rows()).hasSize(4500);
    assertThat(meta.rows().get(999).get(0)).isEqualTo("COMP-1000");
    assertThat(meta.rows().get(4499).get(0)).isEqualTo("COMP-4500");
    assertThat(DimensionTables.stations(big).rows()).hasSize(1500);
    assertThat(meta.rows().get(4499).get(4)).isEqualTo("STN-1500");
  }

  @Test
  void csvFieldsAreQuotedOnlyWhenTheyMustBe() {
    CsvTable t = new CsvTable(List.of("a", "b"), List.of(List.of("plain", "x, \"y\"")));
    assertThat(t.render()).isEqualTo("a,b\nplain,\"x, \"\"y\"\"\"\n");
  }

  private static Dataset<Row> read(String file, StructType schema) {
    return spark
        .read()
        .option("header", "true")
        .option("enforceSchema", "false")
        .option("mode", "FAILFAST")
        .schema(schema)
        .csv(raw.resolve(file).toString());
  }
}
