package com.altaviz.etl.gold;

import com.altaviz.etl.gold.RollingFeatures.Feature;
import com.altaviz.etl.gold.StatusFlags.Level;
import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * One compressor's gold rows as columns ({@link GoldSchema#OUTPUT} ordinals), filled by {@link
 * FeaturePass} and read out one {@link GoldSchema#PASS} row at a time ({@link #row}). Doubles use
 * NaN for null; the string columns are constant over the block.
 */
final class FeatureBlock {
  static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final int COLUMNS = GoldSchema.OUTPUT.size();
  private static final int PASS_COLUMNS = GoldSchema.PASS.size();
  private static final int TIMESTAMP = GoldSchema.index("timestamp");
  private static final int FIRST_VALUE = GoldSchema.index("vibration_mms");
  private static final int RATED = GoldSchema.index("rated_horsepower");
  private static final int READINGS_1H = GoldSchema.index("readings_1hr");
  private static final int READINGS_24H = GoldSchema.index("readings_24hr");
  private static final int DIFFERENTIAL = GoldSchema.index("pressure_differential");
  private static final int UTILIZATION = GoldSchema.index("hp_utilization");
  private static final int MAINTENANCE = GoldSchema.index("days_since_maintenance");
  private static final int VIBRATION_STATUS = GoldSchema.index("vibration_status");
  private static final int TEMP_STATUS = GoldSchema.index("temp_status");
  private static final int PRESSURE_STATUS = GoldSchema.index("pressure_status");
  private static final int OVERALL_STATUS = GoldSchema.index("overall_status");
  private static final int HOUR = GoldSchema.index("hour_of_day");
  private static final int DAY_OF_WEEK = GoldSchema.index("day_of_week");
  private static final int WEEKEND = GoldSchema.index("is_weekend");
  private static final int DATE = GoldSchema.index("date");

  /** Rows of the block (the compressor's readings, warm-up included). */
  int size;

  /** The rows to emit, {@code [from, to)}: those in the output range (times are sorted). */
  int from;

  int to;

  private final double[][] doubles = new double[COLUMNS][];
  private final long[][] longs = new long[COLUMNS][];
  private final int[][] ints = new int[COLUMNS][];
  private final boolean[][] booleans = new boolean[COLUMNS][];
  private final byte[][] levels = new byte[COLUMNS][];
  private final String[] constants = new String[COLUMNS];
  private final DataType[] types = new DataType[COLUMNS];
  private int capacity;

  FeatureBlock() {
    for (int c = 0; c < COLUMNS; c++) {
      types[c] = GoldSchema.OUTPUT.fields()[c].dataType();
    }
    allocate(256);
  }

  /** Makes room for {@code n} rows, keeping the contents of the number columns. */
  void ensure(int n) {
    if (n > capacity) {
      allocate(Math.max(n, 2 * capacity));
    }
  }

  /** Sensor value {@code v} (GoldSchema.V_*) of every row: filled by the caller. */
  double[] values(int v) {
    return doubles[FIRST_VALUE + v];
  }

  long[] timestamps() {
    return longs[TIMESTAMP];
  }

  /** The string columns constant over the block (null = SQL null) and rated horsepower. */
  void constants(String id, String model, String station, double rated) {
    constants[GoldSchema.index("compressor_id")] = id;
    constants[GoldSchema.index("model")] = model;
    constants[GoldSchema.index("station_id")] = station;
    Arrays.fill(doubles[RATED], 0, size, rated);
  }

  /**
   * Takes the window features of {@code features} (computed over these rows; its arrays are used as
   * they are, until its next compute) and derives the other per-row columns: differential,
   * utilization, maintenance age, status levels, calendar. Only rows {@code [from, to)} are filled:
   * the others are never emitted.
   */
  void derive(RollingFeatures features, StatusFlags flags, long[] events, double rated) {
    for (Feature f : Feature.values()) {
      doubles[GoldSchema.index(f.column)] = features.values(f);
    }
    longs[READINGS_1H] = features.readings1h();
    longs[READINGS_24H] = features.readings24h();
    long[] ts = timestamps();
    double[] vibration = values(GoldSchema.V_VIBRATION);
    double[] temp = values(GoldSchema.V_TEMP);
    double[] suction = values(GoldSchema.V_SUCTION);
    double[] discharge = values(GoldSchema.V_DISCHARGE);
    double[] hp = values(GoldSchema.V_HORSEPOWER);
    for (int j = from; j < to; j++) {
      long t = ts[j];
      doubles[DIFFERENTIAL][j] = discharge[j] - suction[j];
      doubles[UTILIZATION][j] = rated > 0 ? hp[j] / rated : Double.NaN;
      doubles[MAINTENANCE][j] = MaintenanceHistory.daysSince(events, t);
      Level v = flags.vibration(vibration[j]);
      Level tl = flags.temperature(temp[j]);
      Level p = flags.pressure(discharge[j], suction[j]);
      levels[VIBRATION_STATUS][j] = code(v);
      levels[TEMP_STATUS][j] = code(tl);
      levels[PRESSURE_STATUS][j] = code(p);
      levels[OVERALL_STATUS][j] = code(StatusFlags.worst(v, tl, p));
      long day = Math.floorDiv(t, MICROS_PER_DAY);
      int dayOfWeek = (int) Math.floorMod(day + 3, 7) + 1; // 1970-01-01 was a Thursday (ISO 4)
      ints[HOUR][j] = (int) (Math.floorMod(t, MICROS_PER_DAY) / RollingFeatures.MICROS_PER_HOUR);
      ints[DAY_OF_WEEK][j] = dayOfWeek;
      booleans[WEEKEND][j] = dayOfWeek >= 6;
      ints[DATE][j] = (int) day;
    }
  }

  /** Row {@code j} in {@link GoldSchema#PASS} layout. */
  Row row(int j) {
    Object[] out = new Object[PASS_COLUMNS];
    for (int c = 0; c < PASS_COLUMNS; c++) {
      if (doubles[c] != null) {
        double v = doubles[c][j];
        out[c] = Double.isNaN(v) ? null : v;
      } else if (longs[c] != null) {
        out[c] = longs[c][j];
      } else if (ints[c] != null) {
        out[c] = ints[c][j];
      } else if (booleans[c] != null) {
        out[c] = booleans[c][j];
      } else if (levels[c] != null) {
        out[c] = levels[c][j] < 0 ? null : levels[c][j];
      } else {
        out[c] = constants[c];
      }
    }
    return RowFactory.create(out);
  }

  private static byte code(Level level) {
    return level == null ? -1 : (byte) level.ordinal();
  }

  private void allocate(int n) {
    capacity = n;
    for (int c = 0; c < COLUMNS; c++) {
      DataType t = types[c];
      if (t.equals(DataTypes.DoubleType)) {
        doubles[c] = doubles[c] == null ? new double[n] : Arrays.copyOf(doubles[c], n);
      } else if (t.equals(DataTypes.LongType) || t.equals(DataTypes.TimestampType)) {
        longs[c] = longs[c] == null ? new long[n] : Arrays.copyOf(longs[c], n);
      } else if (t.equals(DataTypes.IntegerType) || t.equals(DataTypes.DateType)) {
        ints[c] = new int[n];
      } else if (t.equals(DataTypes.BooleanType)) {
        booleans[c] = new boolean[n];
      } else if (c == VIBRATION_STATUS
          || c == TEMP_STATUS
          || c == PRESSURE_STATUS
          || c == OVERALL_STATUS) {
        levels[c] = new byte[n];
      }
    }
  }
}
