package com.altaviz.etl.common.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Locale;

/** What a silver rule or quality gate does with what it catches. */
public enum RuleAction {
  /** Count and log only; the data passes unchanged. */
  WARN,
  /** Remove silently but counted (duplicates). */
  DROP,
  /** Remove (or null the value) and keep the original in silver/quarantine with the reason. */
  QUARANTINE,
  /** Stop the stage with exit code 3 after writing metrics and quarantine. */
  FAIL;

  @JsonCreator
  public static RuleAction parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + s + "' is not one of warn, drop, quarantine, fail");
    }
  }
}
