package com.altaviz.etl.export;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.altaviz.etl.common.config.ThresholdsConfig;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Alert episodes from gold readings ({@link SensorLevels}): per compressor and sensor, a run of
 * non-normal readings that ends once {@code closeAfter} consecutive normal readings follow (fewer
 * normal readings in between do not split it). Severity is the worst level seen.
 *
 * <p>The computation assumes no episode is open before the first reading it is given; {@link
 * #keyStates} tells the caller for which keys that assumption may be wrong (see {@link
 * EpisodeSearch}).
 */
public final class AlertEpisodes {
  private static final String[] KEY = {"compressor_id", "sensor"};

  private AlertEpisodes() {}

  /** {@link #boundaryReadings} columns. */
  static final StructType BOUNDARY_SCHEMA =
      new StructType()
          .add("compressor_id", DataTypes.StringType)
          .add("sensor", DataTypes.StringType)
          .add("timestamp", DataTypes.TimestampType)
          .add("value", DataTypes.DoubleType)
          .add("signed_value", DataTypes.DoubleType)
          .add("level", DataTypes.IntegerType)
          .add("rn", DataTypes.LongType)
          .add("n", DataTypes.LongType)
          .add("next_ts", DataTypes.TimestampType);

  /**
   * Numbers each key's valid readings in time order ({@code rn}, 1-based, {@code n} in all) and
   * keeps only the rows the episodes need: the non-normal readings, the reading right after each of
   * them (its timestamp ends an episode), and the {@code closeAfter}-th reading of each key (or its
   * last, when it has fewer), which tells whether the window starts in a known-closed state.
   * Columns ({@link #BOUNDARY_SCHEMA}): compressor_id, sensor, timestamp, value, signed_value,
   * level, rn, n, next_ts (the following reading of a kept one, when that one is kept too).
   *
   * <p>The readings are hashed by compressor and sorted by time within each partition; {@link
   * AlertBoundaries} then numbers each compressor's four alert series.
   */
  public static Dataset<Row> boundaryReadings(
      Dataset<Row> readings, ThresholdsConfig thresholds, int closeAfter) {
    List<Column> cols = new ArrayList<>(List.of(col("compressor_id"), col("timestamp")));
    for (AlertSensor s : AlertSensor.values()) {
      cols.add(col(s.column).cast("double").as(s.column));
    }
    AlertBoundaries pass = new AlertBoundaries(thresholds, closeAfter);
    return readings
        .select(cols.toArray(Column[]::new))
        .repartition(col("compressor_id"))
        .sortWithinPartitions("compressor_id", "timestamp")
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>) rows -> new PerCompressor(pass, rows),
            Encoders.row(BOUNDARY_SCHEMA));
  }

  /**
   * Boundary rows of a partition sorted by compressor and time, one compressor at a time (the first
   * reading of the next compressor waits in {@code pending}).
   */
  private static final class PerCompressor implements Iterator<Row> {
    private static final AlertSensor[] SENSORS = AlertSensor.values();
    private final AlertBoundaries pass;
    private final Iterator<Row> rows;
    private final ArrayDeque<Row> out = new ArrayDeque<>();
    private final List<Row> current = new ArrayList<>();
    private Row pending;

    PerCompressor(AlertBoundaries pass, Iterator<Row> rows) {
      this.pass = pass;
      this.rows = rows;
    }

    @Override
    public boolean hasNext() {
      while (out.isEmpty() && (pending != null || rows.hasNext())) {
        nextCompressor();
      }
      return !out.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return out.poll();
    }

    private void nextCompressor() {
      current.clear();
      Row first = pending != null ? pending : rows.next();
      pending = null;
      String id = first.getString(0);
      current.add(first);
      while (rows.hasNext()) {
        Row r = rows.next();
        if (!Objects.equals(id, r.getString(0))) {
          pending = r;
          break;
        }
        current.add(r);
      }
      Timestamp[] times = new Timestamp[current.size()];
      for (int i = 0; i < times.length; i++) {
        Object t = current.get(i).get(1);
        times[i] = t instanceof Instant in ? Timestamp.from(in) : (Timestamp) t;
      }
      for (int s = 0; s < SENSORS.length; s++) {
        Double[] values = new Double[times.length];
        for (int i = 0; i < values.length; i++) {
          Row r = current.get(i);
          values[i] = r.isNullAt(2 + s) ? null : r.getDouble(2 + s);
        }
        for (AlertBoundaries.Boundary b : pass.series(id, SENSORS[s], times, values)) {
          out.add(RowFactory.create(b.values()));
        }
      }
    }
  }

  /**
   * Episodes of the boundary readings. Two non-normal readings belong to the same episode when
   * fewer than {@code closeAfter} readings lie between them (those are all normal: every non-normal
   * reading is in the input). An episode is closed when at least {@code closeAfter} readings follow
   * its last non-normal one; {@code ended_at} is then the first of them.
   *
   * <p>Columns: compressor_id, sensor, started_at, ended_at (null while open), last_abnormal_at,
   * severity_level, peak_value, peak_at, abnormal_readings, warning_from, critical_from.
   */
  public static Dataset<Row> episodes(Dataset<Row> boundary, int closeAfter) {
    WindowSpec byRn = Window.partitionBy(KEY[0], KEY[1]).orderBy("rn");
    Column gapStarts =
        col("prev_rn").isNull().or(col("rn").minus(col("prev_rn")).minus(1).geq(closeAfter));
    // The worst reading: highest signed value, earliest on ties.
    Column worst = struct(col("signed_value").multiply(-1), col("timestamp"));
    return boundary
        .where(col("level").gt(SensorLevels.NORMAL))
        .withColumn("prev_rn", lag("rn", 1).over(byRn))
        .withColumn("starts", when(gapStarts, 1).otherwise(0))
        .withColumn(
            "episode",
            sum("starts").over(byRn.rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
        .groupBy(KEY[0], KEY[1], "episode")
        .agg(
            min("timestamp").as("started_at"),
            max("timestamp").as("last_abnormal_at"),
            max("level").as("severity_level"),
            max_by(col("next_ts"), col("rn")).as("next_after_last"),
            max("rn").as("last_rn"),
            max("n").as("n"),
            count(lit(1)).as("abnormal_readings"),
            min_by(col("value"), worst).as("peak_value"),
            min_by(col("timestamp"), worst).as("peak_at"),
            min(when(col("level").equalTo(SensorLevels.WARNING), col("timestamp")))
                .as("warning_from"),
            min(when(col("level").equalTo(SensorLevels.CRITICAL), col("timestamp")))
                .as("critical_from"))
        .withColumn(
            "ended_at",
            when(col("n").minus(col("last_rn")).geq(closeAfter), col("next_after_last")))
        .select(
            "compressor_id",
            "sensor",
            "started_at",
            "ended_at",
            "last_abnormal_at",
            "severity_level",
            "peak_value",
            "peak_at",
            "abnormal_readings",
            "warning_from",
            "critical_from");
  }

  /**
   * Per key: {@code known_start} — whether the state before the first reading cannot matter to
   * episodes touching {@code [rangeStart, …)}: the first {@code closeAfter} readings are normal and
   * lie before {@code rangeStart}, so any earlier episode was closed by them before the range
   * (always true when {@code rangeStart} is null: the caller read everything); {@code open_at_end}
   * — whether the last episode is still open at the last reading.
   */
  public static Dataset<Row> keyStates(Dataset<Row> boundary, int closeAfter, Instant rangeStart) {
    Column abnormalRn = when(col("level").gt(SensorLevels.NORMAL), col("rn"));
    Dataset<Row> s =
        boundary
            .groupBy(KEY[0], KEY[1])
            .agg(
                max("n").as("n"),
                min(when(col("rn").equalTo(closeAfter), col("timestamp"))).as("sync_at"),
                min(abnormalRn).as("first_abnormal_rn"),
                max(abnormalRn).as("last_abnormal_rn"));
    Column knownStart =
        rangeStart == null
            ? lit(true)
            : coalesce(col("first_abnormal_rn").gt(closeAfter), lit(true))
                .and(coalesce(col("sync_at").lt(lit(rangeStart)), lit(false)));
    Column openAtEnd = coalesce(col("n").minus(col("last_abnormal_rn")).lt(closeAfter), lit(false));
    return s.select(
        col(KEY[0]), col(KEY[1]), knownStart.as("known_start"), openAtEnd.as("open_at_end"));
  }
}
