package com.altaviz.etl.silver;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.config.RuleAction;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The configured action of each silver rule, checked against what each rule supports:
 *
 * <ul>
 *   <li>schema: fail only (without its columns nothing else can run);
 *   <li>null_keys: drop | quarantine | fail (silver rows need both keys, so no warn);
 *   <li>duplicates: drop | quarantine | fail (silver holds one row per key, so no warn);
 *   <li>unknown_compressor, future_timestamp, all_sensors_null: warn | drop | quarantine | fail;
 *   <li>physical_range, spike (value-level): warn (count, keep the value) | drop (null the value,
 *       count it) | quarantine (null it, keep the original in silver/quarantine) | fail.
 * </ul>
 *
 * {@code fail} handles the hits like {@code quarantine} (so they can be inspected), then the run
 * stops with exit code 3 and silver unchanged.
 */
public final class RuleActions {
  private static final Map<String, Set<RuleAction>> SUPPORTED = new LinkedHashMap<>();

  static {
    var all = EnumSet.allOf(RuleAction.class);
    var noWarn = EnumSet.of(RuleAction.DROP, RuleAction.QUARANTINE, RuleAction.FAIL);
    SUPPORTED.put(RuleNames.SCHEMA, EnumSet.of(RuleAction.FAIL));
    SUPPORTED.put(RuleNames.NULL_KEYS, noWarn);
    SUPPORTED.put(RuleNames.UNKNOWN_COMPRESSOR, all);
    SUPPORTED.put(RuleNames.FUTURE_TIMESTAMP, all);
    SUPPORTED.put(RuleNames.DUPLICATES, noWarn);
    SUPPORTED.put(RuleNames.PHYSICAL_RANGE, all);
    SUPPORTED.put(RuleNames.SPIKE, all);
    SUPPORTED.put(RuleNames.ALL_SENSORS_NULL, all);
  }

  private final Map<String, RuleAction> actions;

  private RuleActions(Map<String, RuleAction> actions) {
    this.actions = actions;
  }

  /** Validates the configured actions; an unsupported one is a usage error naming the key. */
  public static RuleActions of(Map<String, RuleAction> configured) {
    for (var e : SUPPORTED.entrySet()) {
      RuleAction a = configured.get(e.getKey());
      if (a == null || !e.getValue().contains(a)) {
        throw EtlException.usage(
            "config key 'silver.rules."
                + e.getKey()
                + "' is "
                + name(a)
                + "; rule '"
                + e.getKey()
                + "' supports "
                + e.getValue().stream().map(RuleActions::name).toList());
      }
    }
    return new RuleActions(Map.copyOf(configured));
  }

  public RuleAction get(String rule) {
    return actions.get(rule);
  }

  /** The rule takes rows out of silver (or nulls values) rather than only counting them. */
  public boolean removes(String rule) {
    return get(rule) != RuleAction.WARN;
  }

  /** The rule keeps what it removes in silver/quarantine. */
  public boolean keepsInQuarantine(String rule) {
    return get(rule) == RuleAction.QUARANTINE || get(rule) == RuleAction.FAIL;
  }

  public static String name(RuleAction a) {
    return a == null ? "missing" : a.name().toLowerCase(java.util.Locale.ROOT);
  }
}
