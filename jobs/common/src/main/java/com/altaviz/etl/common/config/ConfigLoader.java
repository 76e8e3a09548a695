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
import java.util.stream.Collectors;

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
      throw new ConfigException(
          "config file " + file + " is not valid YAML: " + e.getOriginalMessage() + location(e));
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      tree = MAPPER.createObjectNode();
    }
    if (!tree.isObject()) {
      throw new ConfigException("config file " + file + " must be a YAML mapping");
    }
    applyEnv((ObjectNode) tree, env);
    EtlConfig cfg;
    try {
      cfg = MAPPER.treeToValue(tree, EtlConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          "config file " + file + ": unknown key '" + path(e) + "'");
    } catch (JsonMappingException e) {
      throw new ConfigException(
          "config file " + file + ": bad value for '" + path(e) + "': " + rootMessage(e));
    } catch (JsonProcessingException e) {
      throw new ConfigException("config file " + file + ": " + e.getOriginalMessage());
    }
    cfg.validate();
    return cfg;
  }

  private static void applyEnv(ObjectNode root, Map<String, String> env) {
    for (var e : env.entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX)) {
        continue;
      }
      String[] keys = e.getKey().substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).split("__");
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
      node.set(keys[keys.length - 1], value);
    }
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
