package com.altaviz.etl.simulator;

import java.io.Serializable;

/**
 * When a failing compressor starts to degrade, fails (logged as a 'failure' maintenance event) and
 * is repaired, in minutes from the period start. The fleet has two: COMP-003 degrades from day 3
 * and COMP-007 from day 5 of a 7-day run; other lengths scale the same fractions of the period, so
 * a 2-day test run still shows a whole failure story.
 */
public record FailurePlan(long onsetMinute, long failureMinute, long repairMinute)
    implements Serializable {

  /** Hours into a 168-hour (7-day) period: onset, failure, repair. */
  private static final double[] COMP_003 = {48, 110, 116};

  private static final double[] COMP_007 = {96, 142, 148};
  private static final double WEEK_HOURS = 168;

  /** The plan of compressor {@code index} (0-based), or null for a healthy one. */
  public static FailurePlan forCompressor(int index, int days) {
    double[] h =
        switch (index) {
          case 2 -> COMP_003;
          case 6 -> COMP_007;
          default -> null;
        };
    if (h == null) {
      return null;
    }
    long total = (long) days * SimulationSpec.MINUTES_PER_DAY;
    return new FailurePlan(grid(total, h[0]), grid(total, h[1]), grid(total, h[2]));
  }

  /** The same fraction of the period, floored to the 10-minute reading grid. */
  private static long grid(long totalMinutes, double weekHours) {
    long m = (long) Math.floor(totalMinutes * weekHours / WEEK_HOURS);
    return m - m % SimulationSpec.CADENCE_MINUTES;
  }

  public boolean isDegrading(long minute) {
    return minute >= onsetMinute && minute < failureMinute;
  }

  public boolean isShutDown(long minute) {
    return minute >= failureMinute && minute < repairMinute;
  }

  /** Minutes of shutdown in {@code [0, minute)}: operating hours do not advance while down. */
  public long downMinutesBefore(long minute) {
    return Math.max(0, Math.min(minute, repairMinute) - failureMinute);
  }
}
