package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failpoint settings: every name and mode parses, anything else is a one-line usage error naming
 * the valid points; a stage refuses a bad setting before any work; {@code block} prints its marker
 * and holds the thread. ({@code halt} ends the JVM: the pytest reliability suite runs it.)
 */
class FailpointTest {
  private static final String VALID =
      "bronze.during-readings-write, bronze.after-readings-commit, bronze.after-dimensions-commit,"
          + " bronze.after-ledger-commit, silver.after-quarantine-commit,"
          + " silver.during-silver-write, silver.after-silver-commit, silver.after-metrics-commit,"
          + " silver.after-ledger-commit, gold.during-write, gold.after-commit,"
          + " gold.after-ledger-commit, export.inside-transaction, export.after-pg-commit,"
          + " export.after-ledger-commit";

  @TempDir Path lake;

  @AfterEach
  void clearProperty() {
    System.clearProperty(Failpoint.PROPERTY);
  }

  @Test
  void everyNameParsesWithHaltAsTheDefaultMode() {
    for (Failpoint p : Failpoint.values()) {
      String name = p.pointName();
      assertThat(Failpoint.parse("X", name))
          .isEqualTo(new Failpoint.Setting(p, Failpoint.Mode.HALT));
      assertThat(Failpoint.parse("X", name + ":halt"))
          .isEqualTo(new Failpoint.Setting(p, Failpoint.Mode.HALT));
      assertThat(Failpoint.parse("X", " " + name + ":block "))
          .isEqualTo(new Failpoint.Setting(p, Failpoint.Mode.BLOCK));
    }
  }

  @Test
  void theListIsTheOneInTheDocsAndEveryStageHasItsLedgerPoint() {
    assertThat(Arrays.stream(Failpoint.values()).map(Failpoint::pointName).toList())
        .containsExactly(VALID.split(", "));
    for (String stage : List.of("bronze", "silver", "gold", "export")) {
      assertThat(Failpoint.byName(stage + ".after-ledger-commit")).isPresent();
    }
    assertThat(Failpoint.EXPORT_INSIDE_TRANSACTION.stage()).isEqualTo("export");
  }

  @Test
  void anUnknownNameIsAUsageErrorNamingTheValidPoints() {
    assertThatThrownBy(() -> Failpoint.parse(Failpoint.ENV, "gold.after-comit:block"))
        .isInstanceOfSatisfying(EtlException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage(
            "ALTAVIZ_FAILPOINT='gold.after-comit:block': unknown failpoint 'gold.after-comit';"
                + " valid: "
                + VALID
                + " (each optionally :halt or :block)");
    assertThatThrownBy(() -> Failpoint.parse(Failpoint.ENV, ":halt"))
        .hasMessageStartingWith("ALTAVIZ_FAILPOINT=':halt': unknown failpoint ''; valid: ");
  }

  @Test
  void anUnknownModeIsAUsageError() {
    assertThatThrownBy(() -> Failpoint.parse(Failpoint.ENV, "gold.after-commit:pause"))
        .isInstanceOfSatisfying(EtlException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage(
            "ALTAVIZ_FAILPOINT='gold.after-commit:pause': unknown failpoint mode 'pause';"
                + " valid: halt, block");
    assertThatThrownBy(() -> Failpoint.parse(Failpoint.ENV, "gold.after-commit:HALT"))
        .hasMessageEndingWith("unknown failpoint mode 'HALT'; valid: halt, block");
    assertThatThrownBy(() -> Failpoint.parse(Failpoint.ENV, "gold.after-commit:"))
        .hasMessageEndingWith("unknown failpoint mode ''; valid: halt, block");
  }

  @Test
  void theSystemPropertyIsReadAndABlankOneIsUnset() {
    System.setProperty(Failpoint.PROPERTY, "silver.after-silver-commit:block");
    assertThat(Failpoint.configured())
        .contains(
            new Failpoint.Setting(Failpoint.SILVER_AFTER_SILVER_COMMIT, Failpoint.Mode.BLOCK));
    System.setProperty(Failpoint.PROPERTY, "  ");
    assertThat(Failpoint.configured()).isEmpty();
    System.setProperty(Failpoint.PROPERTY, "silver.after-silver");
    assertThatThrownBy(Failpoint::configured)
        .hasMessageStartingWith(
            "-Daltaviz.failpoint='silver.after-silver': unknown failpoint 'silver.after-silver'");
  }

  @Test
  void aStageRefusesABadSettingBeforeAnyWorkWithOneLine() {
    System.setProperty(Failpoint.PROPERTY, "tiny.after-commit");
    CliRun r = CliRun.of(new StageJobTest.TinyStage(), "--lake", lake.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .isEqualTo(
            "altaviz-tiny: error: -Daltaviz.failpoint='tiny.after-commit': unknown failpoint"
                + " 'tiny.after-commit'; valid: "
                + VALID
                + " (each optionally :halt or :block)\n");
    assertThat(lake).isEmptyDirectory();
  }

  @Test
  void anotherPointReturnsAndBlockPrintsItsMarkerAndHolds() throws Exception {
    System.setProperty(Failpoint.PROPERTY, "gold.after-commit:block");
    Failpoint.GOLD_AFTER_LEDGER_COMMIT.reach(); // not the configured point: returns

    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread blocked = new Thread(Failpoint.GOLD_AFTER_COMMIT::reach, "failpoint-test");
    blocked.setDaemon(true); // left sleeping: the test JVM exits past it
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      blocked.start();
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (err.size() == 0 && System.nanoTime() < deadline) {
        blocked.join(10);
      }
      blocked.interrupt(); // an interrupt does not release it either
      blocked.join(200);
    } finally {
      System.setErr(oldErr);
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("FAILPOINT gold.after-commit reached\n");
    assertThat(blocked.isAlive()).isTrue();
  }
}
