package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.exceptions.ConcurrentAppendException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The one mapping from outcomes to exit codes, and what the operator sees on stderr. */
class JobLauncherTest {
  @Command(name = "tiny", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
  static class Tiny implements Callable<Integer> {
    @Option(names = "--outcome", defaultValue = "ok")
    String outcome;

    @Option(names = "--table")
    String table;

    @Override
    public Integer call() {
      switch (outcome) {
        case "usage" -> throw EtlException.usage("--thing is wrong:\n  really wrong");
        case "bad-input" ->
            throw EtlException.badInput(
                "raw file x.parquet is not Parquet", new java.io.IOException("magic"));
        case "gate" -> throw EtlException.qualityGate("rejected share 0.12 > limit 0.10");
        case "wrapped" ->
            throw new IllegalStateException(
                "Job aborted", new RuntimeException(EtlException.qualityGate("gate inside Spark")));
        case "bug" -> throw new IllegalStateException("boom");
        case "disk-full" ->
            throw new IllegalStateException(
                "Job aborted", new java.io.IOException("No space left on device"));
        case "missing-file" ->
            throw new IllegalStateException(
                "Job aborted due to stage failure",
                new java.io.FileNotFoundException(
                    "File file:"
                        + table
                        + "/date=2024-02-01/part-00000.snappy.parquet does not exist\nIt is possible"
                        + " the underlying files have been updated."));
        case "concurrent" ->
            throw new IllegalStateException(
                "Job aborted",
                new ConcurrentAppendException(
                    "Files were added to the root of the table by a concurrent update.\nRefer to"));
        default -> {
          return ExitCode.OK;
        }
      }
    }
  }

  @Test
  void aFullDiskIsExit1WithOneLineAndNoStackTrace() {
    CliRun r = CliRun.of(new Tiny(), "--outcome", "disk-full");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "tiny: error: no space left on device (No space left on device): free space on"
                + " the lake's or Spark's local disk and retry; this run committed nothing after its"
                + " last completed step\n");
  }

  @Test
  void aMissingDataFileOfADeltaTableIsExit2NamingTheFileAndTheTable(@TempDir Path dir)
      throws Exception {
    Path table =
        Files.createDirectories(dir.resolve("silver/sensor_readings/_delta_log")).getParent();
    CliRun r = CliRun.of(new Tiny(), "--outcome", "missing-file", "--table", table.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "tiny: error: data file file:"
                + table
                + "/date=2024-02-01/"
                + "part-00000.snappy.parquet of Delta table file:"
                + table
                + " is missing: restore the"
                + " file from a backup, or RESTORE the table to the newest version before the one that"
                + " added it (DESCRIBE HISTORY) and re-run the stages after it; nothing written\n");
    // not a Delta table's file (no _delta_log): an unexpected fault, with its trace
    CliRun other =
        CliRun.of(new Tiny(), "--outcome", "missing-file", "--table", dir.resolve("x").toString());
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.err()).contains("\tat ");
  }

  @Test
  void success() {
    assertThat(CliRun.of(new Tiny())).isEqualTo(new CliRun(0, "", ""));
  }

  @Test
  void usageErrorIsExit2WithOneLineAndNoStackTrace() {
    assertThat(CliRun.of(new Tiny(), "--outcome", "usage"))
        .isEqualTo(new CliRun(2, "", "tiny: error: --thing is wrong: really wrong\n"));
    assertThat(CliRun.of(new Tiny(), "--outcome", "bad-input"))
        .isEqualTo(new CliRun(2, "", "tiny: error: raw file x.parquet is not Parquet\n"));
  }

  @Test
  void unknownOptionIsExit2WithAHint() {
    assertThat(CliRun.of(new Tiny(), "--nope"))
        .isEqualTo(
            new CliRun(
                2,
                "",
                "tiny: error: Unknown option: '--nope'\nTry 'tiny --help' for the options.\n"));
  }

  @Test
  void aConcurrentDeltaCommitIsExit1WithOneLineAndNoStackTrace() {
    assertThat(CliRun.of(new Tiny(), "--outcome", "concurrent"))
        .isEqualTo(
            new CliRun(
                1,
                "",
                "tiny: error: another run committed to the same Delta table "
                    + "first (ConcurrentAppendException); nothing was written by this run, retry\n"));
  }

  @Test
  void qualityGateIsExit3EvenWhenWrapped() {
    assertThat(CliRun.of(new Tiny(), "--outcome", "gate"))
        .isEqualTo(new CliRun(3, "", "tiny: error: rejected share 0.12 > limit 0.10\n"));
    assertThat(CliRun.of(new Tiny(), "--outcome", "wrapped"))
        .isEqualTo(new CliRun(3, "", "tiny: error: gate inside Spark\n"));
  }

  @Test
  void unexpectedFailureIsExit1WithTraceThenOneLineReason() {
    CliRun r = CliRun.of(new Tiny(), "--outcome", "bug");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("java.lang.IllegalStateException: boom\n\tat ")
        .endsWith("\ntiny: error: java.lang.IllegalStateException: boom\n");
  }

  @Test
  void helpAndVersionExit0OnStdout() {
    CliRun help = CliRun.of(new Tiny(), "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: tiny [-hV] [--outcome=<outcome>]");
    CliRun version = CliRun.of(new Tiny(), "--version");
    assertThat(version)
        .isEqualTo(new CliRun(0, "tiny 0.1.0\nbuilt for Spark 3.5.9, Delta Lake 3.3.2\n", ""));
  }
}
