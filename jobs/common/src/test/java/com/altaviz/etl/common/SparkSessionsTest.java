package com.altaviz.etl.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SparkSessionsTest {
  @Test
  void deltasLogStoreOfASchemeIsKernelsToo() {
    assertThat(SparkSessions.kernelLogStoreKey("spark.delta.logStore.s3a.impl"))
        .isEqualTo("io.delta.kernel.logStore.s3a.impl");
    assertThat(SparkSessions.kernelLogStoreKey("spark.delta.logStore.gs.impl"))
        .isEqualTo("io.delta.kernel.logStore.gs.impl");
  }

  @Test
  void otherKeysAreNotLogStoresOfAScheme() {
    assertThat(SparkSessions.kernelLogStoreKey("spark.delta.logStore.class")).isNull();
    assertThat(SparkSessions.kernelLogStoreKey("spark.delta.logStore..impl")).isNull();
    assertThat(
            SparkSessions.kernelLogStoreKey(
                "spark.io.delta.storage.S3DynamoDBLogStore" + ".ddb.tableName"))
        .isNull();
    assertThat(SparkSessions.kernelLogStoreKey("spark.hadoop.fs.s3a.impl")).isNull();
  }
}
