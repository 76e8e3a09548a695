package com.altaviz.etl.bronze;

import com.altaviz.etl.common.*;
import picocli.CommandLine.Command;

@Command(name = "altaviz-bronze", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class)
public class BronzeJob extends StageJob {
  public static void main(String[] args) { JobLauncher.main(new BronzeJob(), args); }
  protected String stage() { return "bronze"; }
  protected String title() { return "BRONZE LAYER: smoke"; }
  protected StageResult execute(StageContext ctx) {
    var df = ctx.spark.range(10).toDF();
    long v = DeltaIo.append(df, ctx.lake.table("smoke/t"), ctx.runId);
    long n = DeltaIo.read(ctx.spark, ctx.lake.table("smoke/t"), java.util.OptionalLong.of(v)).count();
    return new StageResult(null, null, "smoke/t", v, 0, n, 0);
  }
}
