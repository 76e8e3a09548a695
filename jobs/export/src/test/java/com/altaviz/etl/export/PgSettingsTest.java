package com.altaviz.etl.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.ExitCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the password comes from: the environment, a properties file, or a password file named by
 * ALTAVIZ_PG_PASSWORD_FILE (a mounted secret: only its path travels to a cluster driver).
 */
class PgSettingsTest {
  @TempDir Path dir;

  @Test
  void thePasswordFileHoldsThePasswordOnItsFirstLine() throws Exception {
    Path file = Files.writeString(dir.resolve("pg-password"), "s3cret with spaces\n");
    PgSettings pg =
        PgSettings.fromEnvironment(
            Map.of("ALTAVIZ_PG_PASSWORD_FILE", file.toString(), "ALTAVIZ_PG_USER", "etl"));
    assertThat(pg.dataSource().getPassword()).isEqualTo("s3cret with spaces");
    assertThat(pg.user()).isEqualTo("etl");
    assertThat(pg.toString()).doesNotContain("s3cret");
  }

  @Test
  void thePasswordFileOverridesThePropertiesFile() throws Exception {
    Path props = Files.writeString(dir.resolve("pg.properties"), "password=old\nhost=db\n");
    Path file = Files.writeString(dir.resolve("pg-password"), "new");
    PgSettings pg =
        PgSettings.fromEnvironment(
            Map.of(
                "ALTAVIZ_PG_PROPERTIES",
                props.toString(),
                "ALTAVIZ_PG_PASSWORD_FILE",
                file.toString()));
    assertThat(pg.dataSource().getPassword()).isEqualTo("new");
    assertThat(pg.host()).isEqualTo("db");
  }

  @Test
  void aMissingOrEmptyPasswordFileOrTwoPasswordsAreUsageErrors() throws Exception {
    Path missing = dir.resolve("nowhere");
    assertThatThrownBy(
            () ->
                PgSettings.fromEnvironment(Map.of("ALTAVIZ_PG_PASSWORD_FILE", missing.toString())))
        .isInstanceOf(EtlException.class)
        .hasMessage("ALTAVIZ_PG_PASSWORD_FILE names " + missing + ", which does not exist")
        .satisfies(e -> assertThat(((EtlException) e).exitCode()).isEqualTo(ExitCode.USAGE));
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertThatThrownBy(
            () -> PgSettings.fromEnvironment(Map.of("ALTAVIZ_PG_PASSWORD_FILE", empty.toString())))
        .hasMessage("ALTAVIZ_PG_PASSWORD_FILE file " + empty + " is empty");
    Path file = Files.writeString(dir.resolve("pg-password"), "x");
    assertThatThrownBy(
            () ->
                PgSettings.fromEnvironment(
                    Map.of(
                        "ALTAVIZ_PG_PASSWORD_FILE", file.toString(), "ALTAVIZ_PG_PASSWORD", "y")))
        .hasMessage(
            "both ALTAVIZ_PG_PASSWORD and ALTAVIZ_PG_PASSWORD_FILE are set; set one of them");
  }
}
