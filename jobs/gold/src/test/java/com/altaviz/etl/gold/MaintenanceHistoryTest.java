package com.altaviz.etl.gold;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MaintenanceHistoryTest {
  private static final long DAY = 86_400_000_000L;
  private static final long HOUR = 3_600_000_000L;

  private final MaintenanceHistory history =
      MaintenanceHistory.of(
          List.of("COMP-001", "COMP-001", "COMP-002"), List.of(10 * DAY, 2 * DAY, 5 * DAY));

  @Test
  void onlyEventsAtOrBeforeTheReadingCount() {
    long[] events = history.events("COMP-001");
    assertThat(events).containsExactly(2 * DAY, 10 * DAY);
    assertThat(MaintenanceHistory.daysSince(events, 2 * DAY - 1)).as("before any event").isNaN();
    assertThat(MaintenanceHistory.daysSince(events, 2 * DAY)).as("at the event").isEqualTo(0.0);
    assertThat(MaintenanceHistory.daysSince(events, 3 * DAY + 6 * HOUR)).isEqualTo(1.25);
    assertThat(MaintenanceHistory.daysSince(events, 10 * DAY - 1))
        .as("the later repair is not seen before it happens")
        .isEqualTo((8 * DAY - 1) / (double) DAY);
    assertThat(MaintenanceHistory.daysSince(events, 10 * DAY + 12 * HOUR)).isEqualTo(0.5);
  }

  @Test
  void aCompressorWithoutEventsHasNone() {
    assertThat(history.events("COMP-999")).isEmpty();
    assertThat(MaintenanceHistory.daysSince(history.events("COMP-999"), 100 * DAY)).isNaN();
  }
}
