package com.altaviz.etl.simulator;

import com.altaviz.etl.common.Schemas;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The simulated readings as a Spark Dataset that scales out by compressor: {@code
 * spark.range(compressors)} in fixed slices, each slice generating its compressors' rows in an
 * iterator, day by day. Besides the nine raw columns each row carries its landing day and file kind
 * (where it is written) and two labels saying which defect it carries, for the tests; they are not
 * written. {@code value_defect}: none | nulls | all_null | spike:&lt;column&gt;; {@code delivery}:
 * on_time | late | retransmit | retransmit_changed | future.
 */
public final class FleetReadings {
  public static final String LANDING_DATE = "date";
  public static final String FILE = "file";
  public static final String VALUE_DEFECT = "value_defect";
  public static final String DELIVERY = "delivery";

  public static final StructType GENERATED = generatedSchema();

  private FleetReadings() {}

  /**
   * The readings of {@code spec}; {@code counts} (registered with the SparkContext, or null) is
   * incremented as rows are generated, so run at most one action on the result when counting.
   */
  public static Dataset<Row> generate(
      SparkSession spark, SimulationSpec spec, SimulationCounts counts) {
    return spark
        .range(0, spec.compressors(), 1, spec.slices())
        .mapPartitions(
            new SliceGenerator(spec, FutureReading.plan(spec), counts), Encoders.row(GENERATED));
  }

  private static StructType generatedSchema() {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField(LANDING_DATE, DataTypes.DateType, false));
    fields.add(DataTypes.createStructField(FILE, DataTypes.StringType, false));
    fields.addAll(List.of(Schemas.RAW_SENSOR_READINGS.fields()));
    fields.add(DataTypes.createStructField(VALUE_DEFECT, DataTypes.StringType, false));
    fields.add(DataTypes.createStructField(DELIVERY, DataTypes.StringType, false));
    return DataTypes.createStructType(fields);
  }

  /** Generates the rows of one slice of compressors: day-major, then compressor order. */
  static final class SliceGenerator implements MapPartitionsFunction<Long, Row> {
    private final SimulationSpec spec;
    private final List<FutureReading> future;
    private final SimulationCounts counts;

    SliceGenerator(SimulationSpec spec, List<FutureReading> future, SimulationCounts counts) {
      this.spec = spec;
      this.future = future;
      this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<Long> ids) {
      List<CompressorProfile> profiles = new ArrayList<>();
      ids.forEachRemaining(i -> profiles.add(CompressorProfile.of(spec, i.intValue())));
      return new SliceIterator(profiles);
    }

    /** Fills a small buffer one compressor-day at a time; late rows wait for the next day. */
    private final class SliceIterator implements Iterator<Row> {
      private final List<CompressorProfile> profiles;
      private final List<List<Row>> lateForNextDay;
      private final ArrayDeque<Row> buffer = new ArrayDeque<>();
      private int day;
      private int position;

      SliceIterator(List<CompressorProfile> profiles) {
        this.profiles = profiles;
        this.lateForNextDay = new ArrayList<>(profiles.size());
        for (int i = 0; i < profiles.size(); i++) {
          lateForNextDay.add(new ArrayList<>());
        }
      }

      @Override
      public boolean hasNext() {
        while (buffer.isEmpty() && day < spec.days() && !profiles.isEmpty()) {
          fill(profiles.get(position), lateForNextDay.get(position));
          if (++position == profiles.size()) {
            position = 0;
            day++;
          }
        }
        return !buffer.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return buffer.poll();
      }

      private void fill(CompressorProfile p, List<Row> late) {
        long[] batch =
            counts == null ? new long[SimulationCounts.LANDED + spec.days()] : counts.newBatch();
        buffer.addAll(late); // yesterday's late readings land today
        late.clear();
        List<Row> today = new ArrayList<>(SimulationSpec.READINGS_PER_DAY + 8);
        CompressorDay.generate(spec, p, day, today, late, batch);
        buffer.addAll(today);
        for (FutureReading f : future) {
          if (f.compressor() == p.index() && f.landingDay() == day) {
            buffer.add(CompressorDay.future(spec, p, f, batch));
          }
        }
        if (counts != null) {
          counts.add(batch);
        }
      }
    }
  }
}
