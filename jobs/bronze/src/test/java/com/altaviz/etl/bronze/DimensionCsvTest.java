package com.altaviz.etl.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.Schemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dimension CSVs are mapped by header name and typed strictly (no Spark needed). */
class DimensionCsvTest {
  @TempDir Path dir;

  List<Row> rows(String csv, org.apache.spark.sql.types.StructType schema) throws Exception {
    Path f = dir.resolve("dim.csv");
    Files.writeString(f, csv);
    return DimensionCsv.rows(
        DimensionCsv.records(f.toString(), new Configuration()), schema, "dim.csv");
  }

  @Test
  void columnsAreFoundByHeaderNameInAnyOrderExtrasIgnored() throws Exception {
    List<Row> r =
        rows(
            " Station_ID ,horsepower,install_date,compressor_id,firmware,model\r\n"
                + "STN-009,1500,2019-03-01,COMP-007,v2,\"Ajax, DPC-360\"\r\n"
                + "\r\n"
                + "STN-001,,2020-01-31,COMP-001,v1,\n",
            Schemas.COMPRESSOR_METADATA);
    assertThat(r).hasSize(2);
    assertThat(r.get(0).toString()).isEqualTo("[COMP-007,Ajax, DPC-360,1500.0,2019-03-01,STN-009]");
    assertThat(r.get(0).get(3)).isEqualTo(Date.valueOf("2019-03-01"));
    assertThat(r.get(1).toString()).isEqualTo("[COMP-001,null,null,2020-01-31,STN-001]");
  }

  @Test
  void quotedFieldsKeepCommasQuotesAndNewlinesAndTimestampsAreUtc() throws Exception {
    List<Row> r =
        rows(
            RawFixtures.MAINTENANCE_CSV
                + "MNT-0002,COMP-002,failure,\"Bearing\nfailure\",2024-02-05 13:30:00,,R. Roe,\n",
            Schemas.MAINTENANCE_LOGS);
    assertThat(r.get(0).getString(3)).isEqualTo("Oil change, filters");
    assertThat(r.get(0).getString(7)).isEqualTo("said \"ok\"");
    assertThat(((Timestamp) r.get(0).get(4)).toInstant())
        .isEqualTo(Instant.parse("2024-01-20T08:00:00Z"));
    assertThat(r.get(1).getString(3)).isEqualTo("Bearing\nfailure");
    assertThat(((Timestamp) r.get(1).get(4)).toInstant())
        .isEqualTo(Instant.parse("2024-02-05T13:30:00Z"));
    assertThat(r.get(1).get(5)).isNull();
  }

  @Test
  void latin1BytesAreABadInputNamingTheFileNotReplacementCharacters() throws Exception {
    Path f = dir.resolve("stations.csv");
    Files.write(
        f,
        "station_id,station_name\nSTN-001,Estación 1\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> DimensionCsv.records(f.toString(), new Configuration()))
        .isInstanceOf(EtlException.class)
        .hasMessage("dimension file " + f + " is not UTF-8 text");
  }

  @Test
  void aMissingColumnOrAnUnparsableValueNamesFileAndColumn() {
    assertThatThrownBy(
            () -> rows("station_id,station_name,latitude,region,state\n", Schemas.STATIONS))
        .isInstanceOf(EtlException.class)
        .hasMessageStartingWith("dimension file dim.csv lacks column 'longitude'");
    assertThatThrownBy(
            () ->
                rows(
                    "station_id,station_name,latitude,longitude,region,state\n"
                        + "STN-1,North,31.9,west,Permian,TX\n",
                    Schemas.STATIONS))
        .isInstanceOf(EtlException.class)
        .hasMessage(
            "dimension file dim.csv, data row 1: column 'longitude' value 'west' is not a"
                + " double");
    assertThatThrownBy(() -> rows("", Schemas.STATIONS))
        .isInstanceOf(EtlException.class)
        .hasMessage("dimension file dim.csv is empty (no header row)");
  }

  @Test
  void anIdListedTwiceIsABadInputNamingFileAndIds() throws Exception {
    List<Row> r =
        rows(
            RawFixtures.METADATA_CSV
                + "COMP-003,Ajax,1500,2019-03-01,STN-001\n"
                + "COMP-002,Ariel JGK/4,1400.5,2020-07-15,STN-002\n" // an exact copy is a duplicate
                + ",Ajax,1500,2019-03-01,STN-001\n,Ajax,1500,2019-03-01,STN-001\n" // no id: not a
                // key
                + "COMP-001,Ajax DPC-360,1600,2019-03-01,STN-001\n"
                + "COMP-001,Ajax DPC-360,1700,2019-03-01,STN-001\n"
                + "comp-003,Ajax,1500,2019-03-01,STN-001\n", // ids are case-sensitive
            Schemas.COMPRESSOR_METADATA);
    assertThatThrownBy(
            () ->
                DimensionCsv.requireUnique(
                    r, Schemas.COMPRESSOR_METADATA, "compressor_id", "compressor_metadata.csv"))
        .isInstanceOf(EtlException.class)
        .hasMessage(
            "dimension file compressor_metadata.csv lists compressor_id COMP-002, COMP-001"
                + " more than once");
    DimensionCsv.requireUnique(
        r.subList(0, 3), Schemas.COMPRESSOR_METADATA, "compressor_id", "compressor_metadata.csv");
  }

  @Test
  void aLongListOfDuplicatesIsCutShort() throws Exception {
    StringBuilder csv =
        new StringBuilder("station_id,station_name,latitude,longitude,region," + "state\n");
    for (int copy = 0; copy < 2; copy++) {
      for (int i = 1; i <= 12; i++) {
        csv.append(String.format("STN-%03d,North,31.9,-102.1,Permian,TX%n", i));
      }
    }
    List<Row> r = rows(csv.toString(), Schemas.STATIONS);
    assertThatThrownBy(
            () -> DimensionCsv.requireUnique(r, Schemas.STATIONS, "station_id", "stations.csv"))
        .hasMessage(
            "dimension file stations.csv lists station_id STN-001, STN-002, STN-003,"
                + " STN-004, STN-005, STN-006, STN-007, STN-008, STN-009, STN-010 and 2 more"
                + " more than once");
  }
}
