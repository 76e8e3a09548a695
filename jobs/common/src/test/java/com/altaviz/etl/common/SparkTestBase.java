package com.altaviz.etl.common;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/**
 * A local[2] SparkSession built by the production factory (STYLE §10). getOrCreate() shares it
 * across the classes of one Surefire JVM, which saves the start-up cost per class.
 */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("altaviz-test");
  }
}
