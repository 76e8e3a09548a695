package com.altaviz.etl.silver;

import static com.altaviz.etl.silver.Fixtures.bronze;
import static com.altaviz.etl.silver.Fixtures.reading;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.SilverConfig;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Rule 5: inclusive physical ranges; NaN and ±Infinity are out of range. */
class PhysicalRangesTest extends SparkTestBase {
  static final java.util.Map<String, List<Double>> RANGES = new SilverConfig().ranges;

  @Test
  void nanInfinityAndOutOfBoundValuesAreFlaggedBoundariesAreNot() {
    var df =
        PhysicalRanges.flag(
            bronze(
                spark,
                reading("A", "2024-02-01T00:00:00Z").vibration(Double.NaN),
                reading("B", "2024-02-01T00:00:00Z").vibration(Double.POSITIVE_INFINITY),
                reading("C", "2024-02-01T00:00:00Z").temp(Double.NEGATIVE_INFINITY),
                reading("D", "2024-02-01T00:00:00Z").vibration(50.0).suction(0.0).temp(-40.0),
                reading("E", "2024-02-01T00:00:00Z").vibration(50.01).discharge(-0.5),
                reading("F", "2024-02-01T00:00:00Z").vibration(null)),
            RANGES,
            lit(true));
    List<Row> rows =
        df.orderBy("compressor_id").select("compressor_id", "_range_flags").collectAsList();
    assertThat(rows)
        .extracting(Object::toString)
        .containsExactly(
            "[A,WrappedArray([physical_range,vibration_mms,NaN,vibration_mms = NaN is outside the"
                + " physical range [0.0, 50.0]])]",
            "[B,WrappedArray([physical_range,vibration_mms,Infinity,vibration_mms = Infinity is"
                + " outside the physical range [0.0, 50.0]])]",
            "[C,WrappedArray([physical_range,discharge_temp_f,-Infinity,discharge_temp_f ="
                + " -Infinity is outside the physical range [-40.0, 500.0]])]",
            "[D,WrappedArray()]",
            "[E,WrappedArray([physical_range,vibration_mms,50.01,vibration_mms = 50.01 is outside"
                + " the physical range [0.0, 50.0]], [physical_range,discharge_pressure_psi,-0.5,"
                + "discharge_pressure_psi = -0.5 is outside the physical range [0.0, 3000.0]])]",
            "[F,WrappedArray()]");
  }

  @Test
  void flaggedValuesAreNulledTheRestOfTheRowKept() {
    var flagged =
        PhysicalRanges.flag(
            bronze(
                spark,
                reading("E", "2024-02-01T00:00:00Z").vibration(Double.NaN).discharge(5000.0)),
            RANGES,
            lit(true));
    Row r =
        ValueRejections.nullFlagged(flagged, PhysicalRanges.FLAGS, Schemas.SENSOR_COLUMNS).first();
    assertThat(r.isNullAt(r.fieldIndex("vibration_mms"))).isTrue();
    assertThat(r.isNullAt(r.fieldIndex("discharge_pressure_psi"))).isTrue();
    assertThat(r.<Double>getAs("discharge_temp_f")).isEqualTo(200.0);
    assertThat(r.<Double>getAs("gas_flow_mcf")).isEqualTo(9000.0);
  }

  @Test
  void ineligibleRowsAreNotChecked() {
    var df =
        PhysicalRanges.flag(
            bronze(spark, reading("A", "2024-02-01T00:00:00Z").vibration(Double.NaN)),
            RANGES,
            col("compressor_id").notEqual("A"));
    assertThat(df.first().<scala.collection.Seq<?>>getAs("_range_flags").size()).isZero();
  }
}
