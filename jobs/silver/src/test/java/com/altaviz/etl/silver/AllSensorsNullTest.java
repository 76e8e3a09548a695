package com.altaviz.etl.silver;

import static com.altaviz.etl.silver.Fixtures.bronze;
import static com.altaviz.etl.silver.Fixtures.reading;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.Schemas;
import com.altaviz.etl.common.SparkTestBase;
import org.junit.jupiter.api.Test;

/** Rule 7: a row without any sensor value. */
class AllSensorsNullTest extends SparkTestBase {
  @Test
  void onlyARowWithEverySensorNullIsFlagged() {
    var df =
        AllSensorsNull.flag(
            bronze(
                spark,
                reading("A", "2024-02-01T00:00:00Z").allSensorsNull(),
                reading("B", "2024-02-01T00:00:00Z").allSensorsNull().flow(9000.0),
                reading("C", "2024-02-01T00:00:00Z").vibration(null)),
            Schemas.SENSOR_COLUMNS);
    assertThat(
            df.orderBy("compressor_id")
                .select("_flag_all_sensors_null", "_reason_all_sensors_null")
                .collectAsList())
        .extracting(Object::toString)
        .containsExactly("[true,every sensor value is null]", "[false,null]", "[false,null]");
  }
}
