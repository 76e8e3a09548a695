package com.altaviz.etl.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.config.ThresholdsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** How far back and forward the episode search reads gold, and that what it finds is exact. */
class EpisodeSearchTest extends SparkTestBase {
  private static final Instant FEB_1 = Instant.parse("2024-02-01T00:00:00Z");
  private static final ExportRange FEB_1_RANGE = new ExportRange(FEB_1, FEB_1.plus(days(1)));

  /** Vibration every 10 minutes over [from, from + span), by reading index (other sensors fine). */
  private static List<GoldFixtures.Reading> readings(
      String compressor, Instant from, Duration span, IntFunction<Double> vibration) {
    List<GoldFixtures.Reading> out = new ArrayList<>();
    for (int i = 0; i < span.toMinutes() / 10; i++) {
      out.add(
          GoldFixtures.vib(compressor, from.plus(Duration.ofMinutes(10L * i)), vibration.apply(i)));
    }
    return out;
  }

  private static Duration days(long n) {
    return Duration.ofDays(n);
  }

  private static EpisodeSearch.Result search(List<GoldFixtures.Reading> readings, ExportRange r) {
    Dataset<Row> gold = GoldFixtures.gold(spark, readings);
    return new EpisodeSearch(gold, new ThresholdsConfig(), 3, new StageLog("export")).run(r);
  }

  @Test
  void aCompressorNewToTheFleetIsNotSearchedBackThroughTheOtherCompressorsHistory() {
    // COMP-OLD: a day a month ago and the days around the range, all normal
    List<GoldFixtures.Reading> gold =
        new ArrayList<>(readings("COMP-OLD", FEB_1.minus(days(31)), days(1), i -> 3.0));
    gold.addAll(readings("COMP-OLD", FEB_1.minus(days(1)), days(2), i -> 3.0));
    // COMP-NEW: first reading at the range start, in warning for 30 minutes
    gold.addAll(readings("COMP-NEW", FEB_1, days(1), i -> i < 3 ? 6.5 : 3.0));

    EpisodeSearch.Result r = search(gold, FEB_1_RANGE);

    // nothing of COMP-NEW before its first reading: its start is known in the first pass (gold's
    // own first day, a month back, used to send it back 5 more passes through COMP-OLD's history)
    assertThat(r.passes()).isEqualTo(1);
    assertThat(r.episodes())
        .extracting(e -> e.compressorId() + " " + e.startedAt() + " " + e.endedAt())
        .containsExactly("COMP-NEW 2024-02-01T00:00:00Z 2024-02-01T00:30:00Z");
  }

  @Test
  void anEpisodeReachingPastTheWindowIsFollowedToItsExactStartAndEnd() {
    // COMP-LONG: normal on Jan 26, in warning from Jan 27 00:00 to Feb 2 00:50, normal after
    Instant jan26 = FEB_1.minus(days(6));
    int firstWarning = 144;
    int lastWarning = 144 * 7 + 5;
    List<GoldFixtures.Reading> gold =
        readings(
            "COMP-LONG", jan26, days(9), i -> i >= firstWarning && i <= lastWarning ? 6.5 : 3.0);
    gold.addAll(readings("COMP-OTHER", FEB_1.minus(days(1)), days(2), i -> 3.0));

    EpisodeSearch.Result r = search(gold, FEB_1_RANGE);

    // back 1 + 2 + 4 days reaches Jan 26's normal readings; forward 1 day reaches Feb 2's
    assertThat(r.passes()).isEqualTo(4);
    assertThat(r.episodes())
        .extracting(e -> e.compressorId() + " " + e.startedAt() + " " + e.endedAt())
        .containsExactly("COMP-LONG 2024-01-27T00:00:00Z 2024-02-02T01:00:00Z");
  }
}
