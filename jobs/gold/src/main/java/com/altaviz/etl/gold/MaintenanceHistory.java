package com.altaviz.etl.gold;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maintenance event times per compressor, for point-in-time {@code days_since_maintenance}: only
 * events at or before the reading count, so a row never sees a repair that happened later.
 */
public final class MaintenanceHistory implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double MICROS_PER_DAY = 86_400_000_000.0;
  private static final long[] NONE = new long[0];

  private final Map<String, long[]> eventsByCompressor;

  private MaintenanceHistory(Map<String, long[]> eventsByCompressor) {
    this.eventsByCompressor = eventsByCompressor;
  }

  /** Builds the history from (compressor id, event time in epoch microseconds) pairs. */
  public static MaintenanceHistory of(List<String> compressorIds, List<Long> eventMicros) {
    Map<String, List<Long>> grouped = new HashMap<>();
    for (int i = 0; i < compressorIds.size(); i++) {
      grouped.computeIfAbsent(compressorIds.get(i), k -> new ArrayList<>()).add(eventMicros.get(i));
    }
    Map<String, long[]> sorted = new HashMap<>();
    grouped.forEach(
        (id, times) ->
            sorted.put(id, times.stream().mapToLong(Long::longValue).sorted().toArray()));
    return new MaintenanceHistory(sorted);
  }

  /** Number of compressors with at least one event. */
  public int compressors() {
    return eventsByCompressor.size();
  }

  /** Sorted event times of one compressor (empty when it has none). */
  public long[] events(String compressorId) {
    return eventsByCompressor.getOrDefault(compressorId, NONE);
  }

  /**
   * Fractional days from the latest event at or before {@code tMicros} to it; NaN when there is
   * none. {@code events} is sorted ascending.
   */
  public static double daysSince(long[] events, long tMicros) {
    int lo = 0;
    int hi = events.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (events[mid] <= tMicros) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? Double.NaN : (tMicros - events[lo - 1]) / MICROS_PER_DAY;
  }
}
