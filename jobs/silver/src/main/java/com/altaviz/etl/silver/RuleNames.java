package com.altaviz.etl.silver;

import java.util.List;

/** The named silver rules, in the order they are applied. */
public final class RuleNames {
  private RuleNames() {}

  public static final String SCHEMA = "schema";
  public static final String NULL_KEYS = "null_keys";
  public static final String UNKNOWN_COMPRESSOR = "unknown_compressor";
  public static final String FUTURE_TIMESTAMP = "future_timestamp";
  public static final String DUPLICATES = "duplicates";
  public static final String PHYSICAL_RANGE = "physical_range";
  public static final String SPIKE = "spike";
  public static final String ALL_SENSORS_NULL = "all_sensors_null";

  /** Rules that remove a whole row, in application order. */
  public static final List<String> ROW_RULES =
      List.of(NULL_KEYS, UNKNOWN_COMPRESSOR, FUTURE_TIMESTAMP, DUPLICATES, ALL_SENSORS_NULL);

  /** Rules that reject single sensor values. */
  public static final List<String> VALUE_RULES = List.of(PHYSICAL_RANGE, SPIKE);
}
