package com.altaviz.etl.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Loads {@link EtlConfig} from YAML, then applies environment overrides of the form {@code
 * ALTAVIZ_CONF__SILVER__LOOKBACK_HOURS=12} (double underscore separates key levels).
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "ALTAVIZ_CONF__";

  private static final ObjectMapper MAPPER =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private ConfigLoader() {}

  public static EtlConfig load(Path file) {
    return load(file, System.getenv());
  }

  public static EtlConfig load(Path file, Map<String, String> env) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file not found: " + file);
    } catch (JsonProcessingException e) {
      throw new ConfigException("config file " + file + " is not valid YAML: " + yamlProblem(e));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      tree = MAPPER.createObjectNode();
    }
    if (!tree.isObject()) {
      throw new ConfigException("config file " + file + " must be a YAML mapping");
    }
    Map<String, String> overrides = applyEnv((ObjectNode) tree, env);
    if (tree.has("quality")) {
      throw new ConfigException(
          source(file, overrides, "quality")
              + ": key 'quality' moved to 'checks': the silver gates are the checks"
              + " checks.missing_rate.max, checks.freshness_minutes.max, checks.completeness.min,"
              + " checks.consistency.min and checks.rejected_share.max"
              + " (docs/quality-and-features.md)");
    }
    EtlConfig cfg;
    try {
      cfg = MAPPER.treeToValue(tree, EtlConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          source(file, overrides, path(e)) + ": unknown key '" + path(e) + "'");
    } catch (JsonMappingException e) {
      throw new ConfigException(
          source(file, overrides, path(e))
              + ": bad value for '"
              + path(e)
              + "': "
              + rootMessage(e));
    } catch (JsonProcessingException e) {
      throw new ConfigException("config file " + file + ": " + e.getOriginalMessage());
    }
    cfg.validate();
    return cfg;
  }

  /** Applies the overrides; returns key path (e.g. silver.lookback_hours) → variable name. */
  private static Map<String, String> applyEnv(ObjectNode root, Map<String, String> env) {
    Map<String, String> applied = new TreeMap<>();
    for (var e : env.entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX)) {
        continue;
      }
      String[] keys =
          e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).split("__");
      ObjectNode node = root;
      for (int i = 0; i < keys.length - 1; i++) {
        JsonNode child = node.get(keys[i]);
        node = child instanceof ObjectNode o ? o : node.putObject(keys[i]);
      }
      JsonNode value;
      try {
        value = MAPPER.readTree(e.getValue());
      } catch (JsonProcessingException ex) {
        throw new ConfigException("environment " + e.getKey() + " is not a YAML value");
      }
      if (value == null || value.isMissingNode()) {
        throw new ConfigException("environment " + e.getKey() + " is empty");
      }
      node.set(keys[keys.length - 1], value);
      applied.put(String.join(".", keys), e.getKey());
    }
    return applied;
  }

  /**
   * Who supplied the value at {@code keyPath}: the environment variable that overrode it (or one of
   * its sub-keys), else the file — so the message sends the operator to the right place.
   */
  private static String source(Path file, Map<String, String> overrides, String keyPath) {
    for (var o : overrides.entrySet()) {
      if (o.getKey().equals(keyPath) || o.getKey().startsWith(keyPath + ".")) {
        return "environment " + o.getValue();
      }
    }
    return "config file " + file;
  }

  /** snakeyaml's messages span several lines (context, source excerpt, caret): keep the problem. */
  private static String yamlProblem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException m && m.getProblem() != null) {
      Mark mark = m.getProblemMark();
      return m.getProblem()
          + (mark == null
              ? ""
              : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")");
    }
    String m = e.getOriginalMessage();
    return (m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m))
        + location(e);
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."))
        .replace(".[", "[");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t instanceof JsonProcessingException j ? j.getOriginalMessage() : t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }
}
