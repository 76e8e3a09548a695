package com.altaviz.etl.common.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.altaviz.etl.common.SparkTestBase;
import com.altaviz.etl.common.config.CheckConfig;
import com.altaviz.etl.common.config.CheckKind;
import com.altaviz.etl.common.config.RuleAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * KS and PSI from Spark grid histograms against hand computations. Reference 1, 2, …, 10; current
 * 3.5, 4.5, …, 12.5 (no ties, each value in a cell of its own on the 1,000-cell grid).
 */
class DriftTest extends SparkTestBase {
  static final StructType SCHEMA =
      new StructType()
          .add("side", DataTypes.StringType)
          .add("model", DataTypes.StringType)
          .add("vibration_mms", DataTypes.DoubleType);

  static double[] reference() {
    double[] x = new double[10];
    for (int i = 0; i < 10; i++) {
      x[i] = i + 1;
    }
    return x;
  }

  static double[] current() {
    double[] x = new double[10];
    for (int i = 0; i < 10; i++) {
      x[i] = i + 3.5;
    }
    return x;
  }

  static Map<Drift.Key, Drift.Histogram> histograms() {
    List<Row> rows = new ArrayList<>();
    double[] ref = reference();
    double[] cur = current();
    for (int i = 0; i < 10; i++) {
      // models alternate, so per-model histograms are half of the fleet's
      rows.add(RowFactory.create(Drift.REFERENCE, i % 2 == 0 ? "A" : "B", ref[i]));
      rows.add(RowFactory.create(Drift.CURRENT, i % 2 == 0 ? "A" : "B", cur[i]));
    }
    rows.add(RowFactory.create(Drift.CURRENT, "A", null)); // nulls are left out
    rows.add(RowFactory.create(Drift.CURRENT, "A", Double.NaN)); // so is NaN
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
    return Drift.histograms(df, List.of("vibration_mms"), "model", 1000);
  }

  @Test
  void ksStatisticAndPValueEqualTheExactTwoSampleTest() {
    var h = histograms().get(new Drift.Key("*", "vibration_mms"));
    assertThat(h.referenceCount()).isEqualTo(10);
    assertThat(h.currentCount()).isEqualTo(10);
    double d = Drift.ksStatistic(h.reference(), h.current());
    // by hand: 1, 2, 3 of the reference lie below the first current value 3.5 -> D = 3/10
    assertThat(d).isCloseTo(0.3, within(1e-12));
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    assertThat(d).isCloseTo(ks.kolmogorovSmirnovStatistic(reference(), current()), within(1e-12));
    assertThat(Drift.ksPValue(d, 10, 10))
        .isCloseTo(ks.kolmogorovSmirnovTest(reference(), current()), within(1e-12));
  }

  @Test
  void psiOverReferenceQuantileBins() {
    var h = histograms().get(new Drift.Key("*", "vibration_mms"));
    // 2 bins split at the reference median (5): reference 0.5 / 0.5, current 0.2 / 0.8
    double expected = (0.2 - 0.5) * Math.log(0.2 / 0.5) + (0.8 - 0.5) * Math.log(0.8 / 0.5);
    assertThat(Drift.psi(h.reference(), h.current(), 2)).isCloseTo(expected, within(1e-12));
    // identical samples: no drift at all
    assertThat(Drift.psi(h.reference(), h.reference(), 4)).isEqualTo(0.0);
    assertThat(Drift.ksStatistic(h.reference(), h.reference())).isEqualTo(0.0);
  }

  @Test
  void binEdgesMergeWhenQuantilesCoincide() {
    long[] ref = {0, 10, 0, 0, 10};
    // quartiles 1, 1, 4 (in cells): three bins collapse into two
    assertThat(Drift.binEdges(ref, 4)).containsExactly(1, 4);
    long[] cur = {0, 5, 0, 0, 15};
    double expected = (0.25 - 0.5) * Math.log(0.25 / 0.5) + (0.75 - 0.5) * Math.log(0.75 / 0.5);
    assertThat(Drift.psi(ref, cur, 4)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void perModelHistogramsAddUpToTheFleet() {
    var all = histograms();
    var a = all.get(new Drift.Key("model=A", "vibration_mms"));
    var b = all.get(new Drift.Key("model=B", "vibration_mms"));
    assertThat(all).hasSize(3);
    assertThat(a.referenceCount() + b.referenceCount()).isEqualTo(10);
    assertThat(a.currentCount()).isEqualTo(5);
  }

  @Test
  void checkResultsFlagDriftByTheConfiguredThresholds() {
    CheckConfig ks = new CheckConfig(CheckKind.KS_DRIFT, "silver/sensor_readings", RuleAction.FAIL);
    ks.columns = List.of("vibration_mms");
    ks.max = 0.25;
    var results = Checks.drift("ks", ks, histograms());
    assertThat(results).hasSize(1); // fleet only: per_model is off
    CheckResult r = results.get(0);
    assertThat(r.value()).isCloseTo(0.3, within(1e-12));
    assertThat(r.status()).isEqualTo("fail");
    assertThat(r.scope()).isEqualTo("*");
    assertThat(r.upper()).isEqualTo(0.25);
    assertThat(r.pValue()).isNotNull();
    ks.max = 0.35;
    assertThat(Checks.drift("ks", ks, histograms()).get(0).status()).isEqualTo("pass");

    CheckConfig psi =
        new CheckConfig(CheckKind.PSI_DRIFT, "silver/sensor_readings", RuleAction.WARN);
    psi.columns = List.of("vibration_mms");
    psi.max = 0.25;
    psi.bins = 2;
    psi.perModel = true;
    var p = Checks.drift("psi", psi, histograms());
    assertThat(p)
        .extracting(CheckResult::scope)
        .containsExactlyInAnyOrder("*", "model=A", "model=B");
    CheckResult fleet = p.stream().filter(x -> x.scope().equals("*")).findFirst().orElseThrow();
    assertThat(fleet.status()).isEqualTo("warn");
    assertThat(fleet.kind()).isEqualTo("psi_drift");
    assertThat(fleet.action()).isEqualTo("warn");
  }
}
