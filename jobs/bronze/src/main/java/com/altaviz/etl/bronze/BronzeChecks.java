package com.altaviz.etl.bronze;

import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.CheckKind;
import com.altaviz.etl.common.quality.CheckResult;
import com.altaviz.etl.common.quality.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bronze's checks of the suite, from the row counts in the new files' Parquet footers (no Spark
 * job): row_count per delivered file ({@code per_file}) or for all new files together. The schema
 * of every file is already enforced by the footer check (exit 2 naming the file).
 */
final class BronzeChecks {
  private BronzeChecks() {}

  /** {@code rowsPerFile}: new file's short name → rows, in listing order. */
  static List<CheckResult> evaluate(
      Map<String, CheckConfig> checks, Map<String, Long> rowsPerFile) {
    List<CheckResult> out = new ArrayList<>();
    for (var e : checks.entrySet()) {
      CheckConfig c = e.getValue();
      if (c.kind != CheckKind.ROW_COUNT) {
        continue;
      }
      if (Boolean.TRUE.equals(c.perFile)) {
        rowsPerFile.forEach((file, n) -> out.add(Checks.rowCount(e.getKey(), c, file, n)));
      } else {
        long total = rowsPerFile.values().stream().mapToLong(Long::longValue).sum();
        out.add(Checks.rowCount(e.getKey(), c, CheckResult.ALL, total));
      }
    }
    return out;
  }
}
