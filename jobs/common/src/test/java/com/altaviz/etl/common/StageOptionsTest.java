package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The shared stage options: defaults and the interval they describe. */
class StageOptionsTest {
  @Command(name = "opts")
  static class Holder {
    @Mixin StageOptions options = new StageOptions();
  }

  private static StageOptions parse(String... args) {
    Holder h = new Holder();
    new CommandLine(h).parseArgs(args);
    return h.options;
  }

  private static Interval interval(String... args) {
    return parse(args).interval();
  }

  @Test
  void defaults() {
    StageOptions o = parse();
    assertThat(o.config)
        .isEqualTo(
            Path.of(System.getenv().getOrDefault("ALTAVIZ_CONFIG", "config/etl_config.yaml")));
    assertThat(o.raw).isEqualTo(System.getenv().getOrDefault("ALTAVIZ_RAW", "data/raw"));
    assertThat(o.lake).isEqualTo(System.getenv().getOrDefault("ALTAVIZ_LAKE", "data/lake"));
    assertThat(o.inputVersion).isNull();
    assertThat(o.interval()).isEqualTo(Interval.ALL);
  }

  @Test
  void runIdIsGeneratedOnceOrTakenAsGiven() {
    StageOptions o = parse();
    String id = o.runId();
    assertThat(id).matches("manual__[0-9a-f-]{36}");
    assertThat(o.runId()).isEqualTo(id);
    assertThat(parse("--run-id", "scheduled__2024-02-03").runId())
        .isEqualTo("scheduled__2024-02-03");
    assertThat(parse("--input-version", "4").inputVersion).isEqualTo(4L);
  }

  @Test
  void startAndEndAreInstantsWithOrWithoutOffset() {
    assertThat(interval("--start", "2024-02-03T00:00:00Z", "--end", "2024-02-04T00:00:00+00:00"))
        .isEqualTo(
            new Interval(
                Instant.parse("2024-02-03T00:00:00Z"), Instant.parse("2024-02-04T00:00:00Z")));
    assertThat(
            interval("--start", "2024-02-03T01:00:00+01:00", "--end", "2024-02-03T12:30:00.5Z")
                .start())
        .isEqualTo(Instant.parse("2024-02-03T00:00:00Z"));
  }

  @Test
  void bareDatesMeanMidnightUtc() {
    assertThat(interval("--start", "2024-02-03", "--end", "2024-02-05"))
        .isEqualTo(
            new Interval(
                Instant.parse("2024-02-03T00:00:00Z"), Instant.parse("2024-02-05T00:00:00Z")));
    assertThat(interval("--date", "2024-02-29"))
        .isEqualTo(
            new Interval(
                Instant.parse("2024-02-29T00:00:00Z"), Instant.parse("2024-03-01T00:00:00Z")));
  }

  @Test
  void startAfterEnd() {
    assertUsage(
        "--start 2024-02-03T00:00:00Z must be before --end 2024-02-02T00:00:00Z",
        "--start",
        "2024-02-03T00:00:00Z",
        "--end",
        "2024-02-02T00:00:00Z");
    assertUsage(
        "--start 2024-02-03T00:00:00Z must be before --end 2024-02-03T00:00:00Z",
        "--start",
        "2024-02-03",
        "--end",
        "2024-02-03T00:00:00Z");
  }

  @Test
  void dateAndStartConflict() {
    assertUsage(
        "give either --date or --start/--end, not both",
        "--date",
        "2024-02-03",
        "--start",
        "2024-02-03T00:00:00Z");
    assertUsage(
        "give either --date or --start/--end, not both",
        "--date",
        "2024-02-03",
        "--end",
        "2024-02-04T00:00:00Z");
  }

  @Test
  void halfAnInterval() {
    assertUsage("an interval needs both --start and --end (or --date)", "--start", "2024-02-03");
    assertUsage("an interval needs both --start and --end (or --date)", "--end", "2024-02-03");
  }

  @Test
  void badInstantsAndDates() {
    assertUsage(
        "--start 'yesterday' is not an ISO-8601 instant (e.g. 2024-02-03T00:00:00Z)",
        "--start",
        "yesterday",
        "--end",
        "2024-02-03T00:00:00Z");
    assertUsage(
        "--end '2024-02-30' is not an ISO-8601 instant (e.g. 2024-02-03T00:00:00Z)",
        "--start",
        "2024-02-03",
        "--end",
        "2024-02-30");
    assertUsage(
        "--start '2024-02-03 00:00:00' is not an ISO-8601 instant (e.g. 2024-02-03T00:00:00Z)",
        "--start",
        "2024-02-03 00:00:00",
        "--end",
        "2024-02-04");
    assertUsage("--date '2024-02-30' is not a date (YYYY-MM-DD)", "--date", "2024-02-30");
  }

  private static void assertUsage(String message, String... args) {
    assertThatThrownBy(() -> interval(args))
        .isInstanceOf(EtlException.class)
        .hasMessage(message)
        .satisfies(e -> assertThat(((EtlException) e).exitCode()).isEqualTo(ExitCode.USAGE));
  }
}
