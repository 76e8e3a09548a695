package com.altaviz.etl.export;

import com.altaviz.etl.common.EtlException;
import java.util.Arrays;
import java.util.List;

/** Contract-column checks on the lake tables the export reads: one clear exit-2 message. */
final class InputColumns {
  private InputColumns() {}

  /** {@code contract}: where the table's columns are defined, for the message. */
  static void require(String[] present, List<String> required, String path, String contract) {
    List<String> have = Arrays.asList(present);
    List<String> missing = required.stream().filter(c -> !have.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw EtlException.badInput(
          "table " + path + " lacks the columns " + missing + " (" + contract + ")", null);
    }
  }
}
