package com.altaviz.etl.bronze;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;

/** Footer schema compatibility rules, on Parquet schemas written out by hand. */
class ParquetFooterCheckTest {
  private static final String NINE =
      "required binary compressor_id (STRING); optional int64 timestamp (TIMESTAMP(MICROS,true));"
          + " optional double vibration_mms; optional double discharge_temp_f;"
          + " optional double suction_pressure_psi; optional double discharge_pressure_psi;"
          + " optional double horsepower_consumption; optional double gas_flow_mcf;";

  private static java.util.List<String> problems(String fields) {
    return ParquetFooterCheck.problems(
        MessageTypeParser.parseMessageType("message spark_schema { " + fields + " }"));
  }

  @Test
  void theContractSchemaHasNoProblems() {
    assertThat(problems(NINE + " optional double operating_hours;")).isEmpty();
  }

  @Test
  void extraColumnsAndOtherTimestampEncodingsAreAccepted() {
    assertThat(
            problems(
                NINE.replace("int64 timestamp (TIMESTAMP(MICROS,true))", "int96 timestamp")
                    + " optional double operating_hours; optional binary firmware (STRING);"))
        .isEmpty();
    assertThat(problems(NINE.replace("MICROS", "MILLIS") + " optional double operating_hours;"))
        .isEmpty();
  }

  @Test
  void missingAndIncompatibleColumnsAreNamed() {
    assertThat(problems(NINE)).containsExactly("missing column operating_hours");
    assertThat(problems(NINE + " optional float operating_hours;"))
        .containsExactly("column operating_hours is float, expected double");
    assertThat(
            problems(
                NINE.replace("int64 timestamp (TIMESTAMP(MICROS,true))", "int64 timestamp")
                    + " optional double operating_hours;"))
        .containsExactly("column timestamp is int64, expected timestamp");
    assertThat(
            problems(
                NINE.replace(
                        "int64 timestamp (TIMESTAMP(MICROS,true))",
                        "int64 timestamp (TIMESTAMP(NANOS,true))")
                    + " optional double operating_hours;"))
        .containsExactly("column timestamp is int64 (TIMESTAMP(NANOS,true)), expected timestamp");
  }

  @Test
  void contractColumnsWhoseNamesDifferOnlyInCaseAreNamed() {
    // Spark matches column names case-insensitively and fails the read on such a pair.
    assertThat(
            problems(
                NINE
                    + " optional double operating_hours;"
                    + " optional binary COMPRESSOR_ID (STRING); optional double Gas_Flow_MCF;"
                    + " optional double GAS_FLOW_MCF;"))
        .containsExactly(
            "columns compressor_id and COMPRESSOR_ID differ only in case",
            "columns gas_flow_mcf, Gas_Flow_MCF and GAS_FLOW_MCF differ only in case");
    // extra columns are not read, so a pair of them is harmless
    assertThat(
            problems(
                NINE
                    + " optional double operating_hours;"
                    + " optional binary firmware (STRING); optional binary FIRMWARE (STRING);"))
        .isEmpty();
  }
}
