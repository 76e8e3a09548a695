package com.altaviz.etl.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.CheckKind;
import com.altaviz.etl.common.config.RuleAction;
import com.altaviz.etl.common.quality.CheckResult;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rows per delivery from the new files' footer counts. */
class BronzeChecksTest {
  @Test
  void rowCountPerFileAndInTotal() {
    Map<String, Long> files = new LinkedHashMap<>();
    files.put("date=2024-02-01/a.parquet", 1440L);
    files.put("date=2024-02-01/b.parquet", 0L);
    CheckConfig perFile =
        new CheckConfig(CheckKind.ROW_COUNT, "bronze/sensor_readings", RuleAction.WARN);
    perFile.min = 1.0;
    perFile.perFile = true;
    CheckConfig total =
        new CheckConfig(CheckKind.ROW_COUNT, "bronze/sensor_readings", RuleAction.FAIL);
    total.min = 2000.0;
    Map<String, CheckConfig> checks = new LinkedHashMap<>();
    checks.put("per_delivery", perFile);
    checks.put("total", total);

    assertThat(BronzeChecks.evaluate(checks, files))
        .extracting(
            r ->
                r.metric()
                    + "|"
                    + r.column()
                    + "|"
                    + r.value()
                    + "|"
                    + r.status()
                    + "|"
                    + r.lower()
                    + "|"
                    + r.upper())
        .containsExactly(
            "per_delivery|date=2024-02-01/a.parquet|1440.0|pass|1.0|null",
            "per_delivery|date=2024-02-01/b.parquet|0.0|warn|1.0|null",
            "total|*|1440.0|fail|2000.0|null");
    // a re-run with no new delivery: no per-file rows
    assertThat(BronzeChecks.evaluate(Map.of("per_delivery", perFile), Map.of())).isEmpty();
    assertThat(BronzeChecks.evaluate(Map.of("total", total), Map.of()))
        .extracting(CheckResult::message)
        .containsExactly("total[*]: 0 rows, expected [2000, -]");
  }
}
