package com.altaviz.etl.gold;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.Interval;
import com.altaviz.etl.common.SparkTestBase;
import java.io.File;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group of real Parquet files read by Spark's vectorized reader into FeaturePass.Readings. */
class SilverScanTest extends SparkTestBase {
  @TempDir Path dir;

  private static final String SENSORS =
      "vibration_mms, discharge_temp_f, suction_pressure_psi, discharge_pressure_psi, "
          + "horsepower_consumption, gas_flow_mcf, operating_hours";

  /** Readings at 22:50 (before the 1 h warm-up of a 2024-02-02 run: not read), 23:30, 00:10. */
  private Dataset<Row> silver() {
    return spark.sql(
        "SELECT * FROM VALUES "
            + "('C2', TIMESTAMP '2024-02-01 22:50:00', 1D, 2D, 3D, 4D, 5D, 6D, 7D), "
            + "('C1', TIMESTAMP '2024-02-01 23:30:00', 1.5D, NULL, 3D, 4D, 5D, 6D, 7D), "
            + "('C2', TIMESTAMP '2024-02-02 00:10:00', 8D, 9D, 10D, 11D, 12D, 13D, 14D) "
            + "AS t(compressor_id, timestamp, " + SENSORS + ")");
  }

  private List<SilverScan.SilverFile> write(Dataset<Row> rows) {
    String out = dir.resolve("silver").toString();
    rows.coalesce(1).write().parquet(out);
    File f = new File(out).listFiles((d, n) -> n.endsWith(".parquet"))[0];
    return List.of(new SilverScan.SilverFile(f.getPath(), f.length()));
  }

  @Test
  void readsTheReadRangeWithNullsAsNaN() {
    List<SilverScan.SilverFile> files = write(silver());
    GoldRange range = GoldRange.of(Interval.ofDate(java.time.LocalDate.of(2024, 2, 2)), 0, 1);

    FeaturePass.Readings r =
        SilverScan.of(spark, silver().schema(), range).orElseThrow().read(files);

    assertThat(r.n).isEqualTo(2);
    assertThat(r.ids[r.compressor[0]].toString()).isEqualTo("C1");
    assertThat(r.ts[0]).isEqualTo(Instant.parse("2024-02-01T23:30:00Z").toEpochMilli() * 1000);
    assertThat(r.values[GoldSchema.V_VIBRATION][0]).isEqualTo(1.5);
    assertThat(r.values[GoldSchema.V_TEMP][0]).isNaN();
    assertThat(r.ids[r.compressor[1]].toString()).isEqualTo("C2");
    assertThat(r.values[GoldSchema.V_HORSEPOWER][1]).isEqualTo(12.0);
  }

  @Test
  void columnsOfAnotherTypeAreLeftToTheShuffledRead() {
    StructType floats = silver().selectExpr("*", "CAST(gas_flow_mcf AS FLOAT) AS f")
        .drop("gas_flow_mcf").withColumnRenamed("f", "gas_flow_mcf").schema();
    GoldRange all = GoldRange.of(Interval.ALL, 0, 1);
    assertThat(SilverScan.of(spark, floats, all)).isEmpty();
    assertThat(SilverScan.of(spark, silver().schema().add("extra", "string"), all)).isPresent();
  }
}
