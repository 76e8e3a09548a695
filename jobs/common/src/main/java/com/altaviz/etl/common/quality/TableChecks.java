package com.altaviz.etl.common.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.altaviz.etl.common.config.CheckConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The row-level checks of a table (missing_rate, not_all_null, range, uniqueness, row_count) in ONE
 * Spark aggregation over the rows a run wrote. Other kinds are left to their stage.
 */
public final class TableChecks {
  private TableChecks() {}

  public static List<CheckResult> evaluate(Dataset<Row> rows, Map<String, CheckConfig> checks) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("rows"));
    Set<String> nullColumns = new LinkedHashSet<>();
    for (var e : checks.entrySet()) {
      CheckConfig c = e.getValue();
      switch (c.kind) {
        case MISSING_RATE, NOT_ALL_NULL -> nullColumns.addAll(c.columns);
        case RANGE -> {
          for (String s : c.columns) {
            Column out = col(s).lt(c.min).or(col(s).gt(c.max)).or(isnan(col(s)));
            aggs.add(count(when(out, lit(1))).as("range:" + e.getKey() + ":" + s));
          }
        }
        case UNIQUENESS ->
            aggs.add(
                countDistinct(
                        col(c.columns.get(0)),
                        c.columns.stream().skip(1).map(x -> col(x)).toArray(Column[]::new))
                    .as("distinct:" + e.getKey()));
        default -> {}
      }
    }
    for (String s : nullColumns) {
      aggs.add(count(when(col(s).isNull(), lit(1))).as("null:" + s));
    }
    Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    long n = r.getLong(0);
    List<CheckResult> out = new ArrayList<>();
    for (var e : checks.entrySet()) {
      String name = e.getKey();
      CheckConfig c = e.getValue();
      switch (c.kind) {
        case MISSING_RATE -> {
          for (String s : c.columns) {
            Double rate = n == 0 ? null : (double) r.<Long>getAs("null:" + s) / n;
            out.add(Checks.atMost(name, c, s, rate, false));
          }
        }
        case NOT_ALL_NULL -> {
          for (String s : c.columns) {
            boolean allNull = n > 0 && r.<Long>getAs("null:" + s) == n;
            out.add(Checks.none(name, c, s, allNull ? 1 : 0, "all-null column"));
          }
        }
        case RANGE -> {
          for (String s : c.columns) {
            out.add(
                Checks.none(
                    name,
                    c,
                    s,
                    r.<Long>getAs("range:" + name + ":" + s),
                    String.format(Locale.ROOT, "values outside [%s, %s]", c.min, c.max)));
          }
        }
        case UNIQUENESS ->
            out.add(
                Checks.none(
                    name,
                    c,
                    String.join(",", c.columns),
                    n - r.<Long>getAs("distinct:" + name),
                    "rows repeat a key"));
        case ROW_COUNT -> out.add(Checks.rowCount(name, c, CheckResult.ALL, n));
        default -> {}
      }
    }
    return out;
  }
}
