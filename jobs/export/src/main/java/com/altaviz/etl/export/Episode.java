package com.altaviz.etl.export;

import com.altaviz.etl.common.config.ThresholdsConfig;
import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Row;

/** One alert episode as {@link AlertEpisodes} found it; becomes one {@code alert_history} row. */
public record Episode(
    String compressorId,
    AlertSensor sensor,
    Instant startedAt,
    Instant endedAt,
    Instant lastAbnormalAt,
    int severityLevel,
    double peakValue,
    Instant peakAt,
    long abnormalReadings,
    Instant warningFrom,
    Instant criticalFrom) {

  static Episode fromRow(Row r) {
    return new Episode(
        r.getAs("compressor_id"),
        AlertSensor.ofColumn(r.getAs("sensor")),
        instant(r.getAs("started_at")),
        instant(r.getAs("ended_at")),
        instant(r.getAs("last_abnormal_at")),
        r.<Integer>getAs("severity_level"),
        r.<Double>getAs("peak_value"),
        instant(r.getAs("peak_at")),
        r.<Long>getAs("abnormal_readings"),
        instant(r.getAs("warning_from")),
        instant(r.getAs("critical_from")));
  }

  private static Instant instant(Object ts) {
    if (ts == null) {
      return null;
    }
    return ts instanceof Instant i ? i : ((Timestamp) ts).toInstant();
  }

  public String severity() {
    return severityLevel == SensorLevels.CRITICAL ? "critical" : "warning";
  }

  /** The limit of this episode's severity. */
  public double threshold(ThresholdsConfig t) {
    ThresholdsConfig.Level l = sensor.limits(t);
    return severityLevel == SensorLevels.CRITICAL ? l.critical : l.warning;
  }

  /** Natural key of {@code alert_history}, for logs and tests. */
  public String key() {
    return compressorId + "/" + sensor.column + "/" + startedAt;
  }
}
