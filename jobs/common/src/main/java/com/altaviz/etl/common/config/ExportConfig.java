package com.altaviz.etl.common.config;

/** PostgreSQL export settings. Credentials never live here: they come from the environment. */
public class ExportConfig {
  /** An alert episode closes after this many consecutive normal readings. */
  public int episodeCloseAfterNormal = 3;

  void validate() {
    EtlConfig.require(
        episodeCloseAfterNormal >= 1, "export.episode_close_after_normal", "must be >= 1");
  }
}
