package com.altaviz.etl.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.Interval;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which landing folders an interval selects, and how paths are spelled. */
class LandingZoneTest {
  @TempDir Path raw;

  @Test
  void aFolderIsSelectedWhenItsDayOverlapsTheInterval() {
    Interval day = Interval.ofDate(LocalDate.parse("2024-02-02"));
    assertThat(LandingZone.overlaps(LocalDate.parse("2024-02-01"), day)).isFalse();
    assertThat(LandingZone.overlaps(LocalDate.parse("2024-02-02"), day)).isTrue();
    assertThat(LandingZone.overlaps(LocalDate.parse("2024-02-03"), day)).isFalse();
    Interval hours =
        new Interval(Instant.parse("2024-02-02T22:00:00Z"), Instant.parse("2024-02-03T02:00:00Z"));
    assertThat(LandingZone.overlaps(LocalDate.parse("2024-02-02"), hours)).isTrue();
    assertThat(LandingZone.overlaps(LocalDate.parse("2024-02-03"), hours)).isTrue();
    assertThat(LandingZone.overlaps(LocalDate.parse("1999-01-01"), Interval.ALL)).isTrue();
  }

  @Test
  void listsParquetFilesOfSelectedFoldersOnly() throws Exception {
    for (String f :
        new String[] {
          "date=2024-02-01/part-00000.parquet",
          "date=2024-02-02/part-00000.parquet",
          "date=2024-02-02/part-00001.parquet",
          "date=2024-02-02/_SUCCESS",
          "date=2024-02-02/.part-00000.parquet.crc"
        }) {
      Path p = raw.resolve("sensor_readings").resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "x");
    }
    var zone = new LandingZone(raw.toString(), new Configuration());
    var files = zone.sensorFiles(Interval.ofDate(LocalDate.parse("2024-02-02")));
    assertThat(files)
        .extracting(RawFile::shortName)
        .containsExactly(
            "date=2024-02-02/part-00000.parquet", "date=2024-02-02/part-00001.parquet");
    assertThat(files).extracting(RawFile::landingDate).containsOnly(LocalDate.parse("2024-02-02"));
    assertThat(files.get(0).path())
        .isEqualTo("file:" + raw.resolve("sensor_readings/date=2024-02-02/part-00000.parquet"));
  }

  @Test
  void aForeignFolderInTheLandingZoneIsAnError() throws Exception {
    Files.createDirectories(raw.resolve("sensor_readings/date=2024-13-01"));
    var zone = new LandingZone(raw.toString(), new Configuration());
    assertThatThrownBy(() -> zone.sensorFiles(Interval.ALL))
        .isInstanceOf(EtlException.class)
        .hasMessageContaining("landing folder name is not date=YYYY-MM-DD");
  }
}
