package com.altaviz.etl.common.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.CheckKind;
import com.altaviz.etl.common.config.RuleAction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Each row-level check kind on four gold-like rows, in one aggregation. */
class TableChecksTest extends SparkTestBase {
  static final String GOLD = "gold/sensor_features";

  static Dataset<Row> rows() {
    StructType s =
        new StructType()
            .add("compressor_id", DataTypes.StringType)
            .add("ts", DataTypes.IntegerType)
            .add("vibration_24hr_mean", DataTypes.DoubleType)
            .add("temp_1hr_delta", DataTypes.DoubleType);
    return spark.createDataFrame(
        List.of(
            RowFactory.create("C1", 1, 2.0, null),
            RowFactory.create("C1", 2, 51.0, null), // out of the physical range
            RowFactory.create("C1", 2, null, null), // repeats the key (C1, 2)
            RowFactory.create("C2", 1, Double.NaN, null)), // NaN is out of range
        s);
  }

  static CheckConfig check(CheckKind kind, RuleAction action, String... columns) {
    CheckConfig c = new CheckConfig(kind, GOLD, action);
    c.columns = columns.length == 0 ? null : List.of(columns);
    return c;
  }

  @Test
  void eachKindWithExactValues() {
    Map<String, CheckConfig> checks = new LinkedHashMap<>();
    CheckConfig missing =
        check(CheckKind.MISSING_RATE, RuleAction.WARN, "vibration_24hr_mean", "compressor_id");
    missing.max = 0.2;
    checks.put("missing", missing);
    checks.put(
        "all_null",
        check(CheckKind.NOT_ALL_NULL, RuleAction.FAIL, "temp_1hr_delta", "vibration_24hr_mean"));
    CheckConfig range = check(CheckKind.RANGE, RuleAction.FAIL, "vibration_24hr_mean");
    range.min = 0.0;
    range.max = 50.0;
    checks.put("range", range);
    checks.put("unique", check(CheckKind.UNIQUENESS, RuleAction.WARN, "compressor_id", "ts"));
    CheckConfig count = check(CheckKind.ROW_COUNT, RuleAction.WARN);
    count.min = 5.0;
    checks.put("count", count);

    List<CheckResult> r = TableChecks.evaluate(rows(), checks);
    assertThat(r)
        .extracting(x -> x.metric() + "|" + x.column() + "|" + x.value() + "|" + x.status())
        .containsExactly(
            "missing|vibration_24hr_mean|0.25|warn",
            "missing|compressor_id|0.0|pass",
            "all_null|temp_1hr_delta|1.0|fail",
            "all_null|vibration_24hr_mean|0.0|pass",
            "range|vibration_24hr_mean|2.0|fail",
            "unique|compressor_id,ts|1.0|warn",
            "count|*|4.0|warn");
    CheckResult rangeResult = r.get(4);
    assertThat(rangeResult.lower()).isEqualTo(0.0);
    assertThat(rangeResult.upper()).isEqualTo(50.0);
    assertThat(rangeResult.table()).isEqualTo(GOLD);
    assertThat(rangeResult.kind()).isEqualTo("range");
    assertThat(rangeResult.action()).isEqualTo("fail");
    assertThat(rangeResult.message())
        .isEqualTo("range[vibration_24hr_mean]: 2 values outside [0.0, 50.0]");
    assertThat(r.get(0).upper()).isEqualTo(0.2);
    assertThat(r.get(0).message())
        .isEqualTo("missing[vibration_24hr_mean] = 0.2500, at most 0.2000 — breached");
  }
}
