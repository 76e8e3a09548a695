package com.altaviz.etl.silver;

import com.altaviz.etl.common.Schemas;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Rule 1 (schema): the bronze columns silver needs, with their types. */
public final class BronzeSchemaRule {
  private BronzeSchemaRule() {}

  /** Required column → type: the nine raw columns and the lineage silver uses. */
  public static final Map<String, DataType> REQUIRED = required();

  /** Missing or mistyped columns; empty when the schema is usable. */
  public static List<String> problems(StructType schema) {
    List<String> out = new ArrayList<>();
    for (var e : REQUIRED.entrySet()) {
      StructField f =
          schema.getFieldIndex(e.getKey()).isDefined()
              ? schema.fields()[schema.fieldIndex(e.getKey())]
              : null;
      if (f == null) {
        out.add("missing column " + e.getKey());
      } else if (!f.dataType().equals(e.getValue())) {
        out.add(
            "column "
                + e.getKey()
                + " is "
                + f.dataType().simpleString()
                + ", expected "
                + e.getValue().simpleString());
      }
    }
    return out;
  }

  private static Map<String, DataType> required() {
    Map<String, DataType> m = new LinkedHashMap<>();
    for (StructField f : Schemas.RAW_SENSOR_READINGS.fields()) {
      m.put(f.name(), f.dataType());
    }
    m.put(Schemas.INGESTED_AT, DataTypes.TimestampType);
    m.put(Schemas.SOURCE_FILE, DataTypes.StringType);
    m.put("_landing_date", DataTypes.DateType);
    return Collections.unmodifiableMap(m);
  }
}
