package com.altaviz.etl.common.config;

/** Data-quality gates measured on each silver run. */
public class QualityConfig {
  public Gate missingRate = new Gate(0.05, RuleAction.WARN);
  public Gate freshnessMinutes = new Gate(15, RuleAction.WARN);
  public Gate completeness = new Gate(0.95, RuleAction.WARN);
  public Gate consistency = new Gate(0.99, RuleAction.WARN);
  public Gate rejectedShare = new Gate(0.10, RuleAction.FAIL);

  /** A limit and what to do when it is breached (warn or fail). */
  public static class Gate {
    public double limit;
    public RuleAction action;

    public Gate() {}

    public Gate(double limit, RuleAction action) {
      this.limit = limit;
      this.action = action;
    }
  }

  void validate() {
    check("missing_rate", missingRate);
    check("freshness_minutes", freshnessMinutes);
    check("completeness", completeness);
    check("consistency", consistency);
    check("rejected_share", rejectedShare);
  }

  private static void check(String name, Gate g) {
    EtlConfig.require(g != null && g.action != null, "quality." + name, "needs limit and action");
    EtlConfig.require(
        g.action == RuleAction.WARN || g.action == RuleAction.FAIL,
        "quality." + name + ".action",
        "must be warn or fail");
    EtlConfig.require(g.limit >= 0, "quality." + name + ".limit", "must be >= 0");
  }
}
