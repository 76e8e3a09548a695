package com.altaviz.etl.common;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/**
 * A local[2] SparkSession built by the production factory ({@link SparkSessions}: the jobs'
 * settings, never a test's own builder), with Spark's code generation off. getOrCreate() shares it
 * across the classes of one Surefire JVM, which saves the start-up cost per class.
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("altaviz-test");
    // Tiny DataFrames: generating and compiling Java code for each query costs more than
    // interpreting it (measured in bench/RESULTS.md). Results are the same by Spark's
    // contract; the spark-submit tests run the production settings.
    spark.conf().set("spark.sql.codegen.wholeStage", "false");
    spark.conf().set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
  }
}
