package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class LakePathsTest {
  @Test
  void aRelativeLakeIsResolvedAgainstTheWorkingDirectory() {
    String cwd = Paths.get("").toAbsolutePath().toString();
    assertThat(new LakePaths("data/lake/").silverReadings())
        .isEqualTo(cwd + "/data/lake/silver/sensor_readings");
  }

  @Test
  void absolutePathsAndUrisAreKeptAsGiven() {
    assertThat(new LakePaths("/tmp/lake").goldFeatures())
        .isEqualTo("/tmp/lake/gold/sensor_features");
    assertThat(new LakePaths("s3a://bucket/lake/").bronzeReadings())
        .isEqualTo("s3a://bucket/lake/bronze/sensor_readings");
  }
}
