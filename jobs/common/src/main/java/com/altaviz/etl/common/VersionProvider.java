package com.altaviz.etl.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: our jar version plus the Spark and Delta versions it was built for. */
public class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() throws IOException {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("/altaviz-build.properties")) {
      if (in != null) {
        p.load(in);
      }
    }
    return new String[] {
      "${COMMAND-FULL-NAME} " + p.getProperty("version", "dev"),
      "built for Spark "
          + p.getProperty("spark", "?")
          + ", Delta Lake "
          + p.getProperty("delta", "?")
    };
  }
}
