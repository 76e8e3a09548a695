package com.altaviz.etl.common.config;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.ExitCode;

/** A missing, unparsable or invalid configuration file (exit code 2). */
public class ConfigException extends EtlException {
  public ConfigException(String message) {
    super(ExitCode.USAGE, message);
  }
}
