package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import com.altaviz.etl.common.StageLog;
import com.altaviz.etl.common.config.ThresholdsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Finds the exact alert episodes touching an export range, whatever order runs happen in.
 *
 * <p>Every episode written is the one the whole of gold (at the pinned version) defines, so daily
 * runs, re-runs and backfills in any order write the same rows, and an episode that spans two daily
 * runs is one row. Gold is read for the range plus {@link #CONTEXT} before it. A key (compressor,
 * sensor) whose window starts inside a possible episode (its first readings are not {@code
 * closeAfter} normal ones before the range) while its compressor has earlier readings in gold, or
 * whose last episode is still open while its compressor has later ones, is recomputed from a window
 * twice as wide, and so on, until it is exact or the window covers all of its compressor's
 * readings. Usually that is no key or a handful.
 *
 * <p>The result also says which {@code started_at} span each key was computed for: an {@code
 * alert_history} row of that key in that span that is no longer among the episodes has been
 * superseded by new gold data (e.g. a late reading) and is removed by the writer.
 */
public final class EpisodeSearch {
  /** Gold read before the range: covers the usual episode; longer ones widen the window. */
  static final Duration CONTEXT = Duration.ofHours(24);

  private static final StructType KEY_SCHEMA =
      new StructType()
          .add("compressor_id", DataTypes.StringType, false)
          .add("sensor", DataTypes.StringType, false);

  /** Span of {@code started_at} for which a key's episodes were recomputed; null = unbounded. */
  public record Span(String compressorId, String sensor, Instant from, Instant to) {}

  /** Episodes, the span every key was computed for unless listed in {@code spans}. */
  public record Result(
      List<Episode> episodes,
      Instant defaultFrom,
      Instant defaultTo,
      List<Span> spans,
      int passes) {}

  private record Key(String compressorId, String sensor) {}

  private final Dataset<Row> gold;
  private final ThresholdsConfig thresholds;
  private final int closeAfter;
  private final StageLog log;
  private final Map<String, Bounds> bounds = new HashMap<>();

  /** A compressor's first and last reading in gold. */
  private record Bounds(Instant first, Instant last) {}

  public EpisodeSearch(
      Dataset<Row> gold, ThresholdsConfig thresholds, int closeAfter, StageLog log) {
    this.gold = gold;
    this.thresholds = thresholds;
    this.closeAfter = closeAfter;
    this.log = log;
  }

  /** The gold rows the first pass reads: the range and {@link #CONTEXT} before it. */
  public static ExportRange firstWindow(ExportRange range) {
    return range.isAll()
        ? ExportRange.ALL
        : new ExportRange(range.from().minus(CONTEXT), range.to());
  }

  public Result run(ExportRange range) {
    List<Episode> accepted = new ArrayList<>();
    List<Span> spans = new ArrayList<>();
    if (range.isAll()) {
      Pass p = pass(gold, null, null);
      accepted.addAll(p.episodes);
      return finish(accepted, null, null, spans, 1);
    }
    Instant from = range.from().minus(CONTEXT);
    Instant to = range.to();
    Instant defaultFrom = from;
    Instant defaultTo = to;
    Set<Key> pending = null; // null = every key
    int passes = 0;
    Duration step = CONTEXT;
    while (true) {
      passes++;
      Pass p = pass(GoldInput.slice(gold, from, to), range.from(), pending);
      Set<Key> needBack = new LinkedHashSet<>();
      Set<Key> needForward = new LinkedHashSet<>();
      if (!p.unknownStart.isEmpty() || !p.openAtEnd.isEmpty()) {
        loadBounds(p.unknownStart, p.openAtEnd);
        for (Key k : p.unknownStart) {
          if (bounds.get(k.compressorId()).first().isBefore(from)) {
            needBack.add(k);
          }
        }
        for (Key k : p.openAtEnd) {
          if (!bounds.get(k.compressorId()).last().isBefore(to)) {
            needForward.add(k);
          }
        }
      }
      Set<Key> retry = new LinkedHashSet<>(needBack);
      retry.addAll(needForward);
      for (Episode e : p.episodes) {
        if (!retry.contains(new Key(e.compressorId(), e.sensor().column))) {
          accepted.add(e);
        }
      }
      if (pending != null) {
        for (Key k : pending) {
          if (!retry.contains(k)) {
            spans.add(new Span(k.compressorId(), k.sensor(), from, to));
          }
        }
      }
      if (retry.isEmpty()) {
        return finish(accepted, defaultFrom, defaultTo, spans, passes);
      }
      if (!needBack.isEmpty()) {
        from = from.minus(step);
      }
      if (!needForward.isEmpty()) {
        to = to.plus(step);
      }
      step = step.multipliedBy(2);
      log.info(
          "alert episodes: {} sensor series run past the read window; re-reading them for [{}, {})",
          retry.size(),
          from,
          to);
      pending = retry;
    }
  }

  private Result finish(
      List<Episode> episodes, Instant from, Instant to, List<Span> spans, int passes) {
    episodes.sort(
        Comparator.comparing(Episode::compressorId)
            .thenComparing(e -> e.sensor().column)
            .thenComparing(Episode::startedAt));
    return new Result(List.copyOf(episodes), from, to, List.copyOf(spans), passes);
  }

  private record Pass(List<Episode> episodes, Set<Key> unknownStart, Set<Key> openAtEnd) {}

  /** One computation over {@code readings}, restricted to {@code keys} when not null. */
  private Pass pass(Dataset<Row> readings, Instant rangeStart, Set<Key> keys) {
    Dataset<Row> boundary;
    if (keys == null) {
      boundary = AlertEpisodes.boundaryReadings(readings, thresholds, closeAfter);
    } else {
      List<Row> keyRows = new ArrayList<>();
      Set<String> compressors = new LinkedHashSet<>();
      for (Key k : keys) {
        keyRows.add(RowFactory.create(k.compressorId(), k.sensor()));
        compressors.add(k.compressorId());
      }
      Dataset<Row> keyDf =
          readings.sparkSession().createDataFrame(keyRows, KEY_SCHEMA).toDF("k_id", "k_sensor");
      boundary =
          AlertEpisodes.boundaryReadings(
                  readings.where(col("compressor_id").isin(compressors.toArray())),
                  thresholds,
                  closeAfter)
              .join(
                  broadcast(keyDf),
                  col("compressor_id")
                      .equalTo(col("k_id"))
                      .and(col("sensor").equalTo(col("k_sensor"))),
                  "left_semi");
    }
    // Only the non-normal readings and one row per key survive: small enough to keep in memory
    // for the two questions asked of it.
    boundary = boundary.persist();
    try {
      Set<Key> unknownStart = new LinkedHashSet<>();
      Set<Key> openAtEnd = new LinkedHashSet<>();
      for (Row r :
          AlertEpisodes.keyStates(boundary, closeAfter, rangeStart)
              .where(col("known_start").equalTo(false).or(col("open_at_end")))
              .collectAsList()) {
        Key k = new Key(r.getString(0), r.getString(1));
        if (!r.getBoolean(2)) {
          unknownStart.add(k);
        }
        if (r.getBoolean(3)) {
          openAtEnd.add(k);
        }
      }
      List<Episode> episodes = new ArrayList<>();
      for (Row r : AlertEpisodes.episodes(boundary, closeAfter).collectAsList()) {
        episodes.add(Episode.fromRow(r));
      }
      return new Pass(episodes, unknownStart, openAtEnd);
    } finally {
      boundary.unpersist();
    }
  }

  /**
   * First and last reading of each compressor of {@code keys} in gold, loaded for those not yet
   * known: one scan of two columns, and only when keys run past the window. Per compressor, not
   * gold's first and last day: a compressor that joined the fleet after the others has nothing
   * before its first reading, and widening its window back to the others' history would re-read
   * gold pass after pass for nothing.
   */
  @SafeVarargs
  private void loadBounds(Set<Key>... keys) {
    Set<String> missing = new LinkedHashSet<>();
    for (Set<Key> ks : keys) {
      ks.stream().map(Key::compressorId).filter(c -> !bounds.containsKey(c)).forEach(missing::add);
    }
    if (missing.isEmpty()) {
      return;
    }
    for (Row r :
        gold.where(col("compressor_id").isin(missing.toArray()))
            .groupBy(col("compressor_id"))
            .agg(min("timestamp"), max("timestamp"))
            .collectAsList()) {
      bounds.put(
          r.getString(0), new Bounds(r.getTimestamp(1).toInstant(), r.getTimestamp(2).toInstant()));
    }
  }
}
