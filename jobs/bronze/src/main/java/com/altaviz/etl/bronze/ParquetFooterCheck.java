package com.altaviz.etl.bronze;

import com.altaviz.etl.common.EtlException;
import com.altaviz.etl.common.Schemas;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Checks one raw Parquet file BEFORE anything is written: the footer must be readable and every
 * contract column present, once (names compared as Spark does, ignoring case), with a physical type
 * Spark reads as the contract type. Reads only the footer (a few KB), so every new file is checked
 * cheaply; the footer's row count is returned for the ingest reconciliation.
 */
public final class ParquetFooterCheck {
  private ParquetFooterCheck() {}

  /** Rows in the file according to its footer; throws exit-2 errors naming the file. */
  public static long check(RawFile file, Configuration conf) {
    ParquetMetadata footer;
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file.path()), conf))) {
      footer = reader.getFooter();
    } catch (IOException | RuntimeException e) {
      throw EtlException.badInput(
          "raw file " + file.path() + " is not a readable Parquet file (" + e.getMessage() + ")",
          e);
    }
    List<String> problems = problems(footer.getFileMetaData().getSchema());
    if (!problems.isEmpty()) {
      throw EtlException.badInput(
          "raw file " + file.path() + " has an incompatible schema: " + String.join("; ", problems),
          null);
    }
    long rows = 0;
    for (BlockMetaData b : footer.getBlocks()) {
      rows += b.getRowCount();
    }
    return rows;
  }

  /** Differences between a file schema and the raw contract; empty when compatible. */
  static List<String> problems(MessageType schema) {
    List<String> out = new ArrayList<>();
    for (StructField f : Schemas.RAW_SENSOR_READINGS.fields()) {
      // Spark resolves the contract's columns case-insensitively and fails the read, mid-run,
      // when a file has two candidates; columns it does not read may clash harmlessly.
      List<String> sameName = new ArrayList<>();
      for (Type t : schema.getFields()) {
        if (t.getName().equalsIgnoreCase(f.name())) {
          sameName.add(t.getName());
        }
      }
      if (sameName.size() > 1) {
        int last = sameName.size() - 1;
        out.add(
            "columns "
                + String.join(", ", sameName.subList(0, last))
                + " and "
                + sameName.get(last)
                + " differ only in case");
        continue;
      }
      if (!schema.containsField(f.name())) {
        out.add("missing column " + f.name());
        continue;
      }
      Type t = schema.getType(f.name());
      if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
        out.add("column " + f.name() + " is " + t + ", expected " + f.dataType().simpleString());
      } else if (!readableAs(t.asPrimitiveType(), f.dataType())) {
        out.add(
            "column "
                + f.name()
                + " is "
                + describe(t.asPrimitiveType())
                + ", expected "
                + f.dataType().simpleString());
      }
    }
    return out;
  }

  /** The physical types Spark's Parquet reader maps to each contract type without widening. */
  private static boolean readableAs(PrimitiveType t, DataType want) {
    PrimitiveTypeName p = t.getPrimitiveTypeName();
    LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
    if (want.equals(DataTypes.StringType)) {
      return p == PrimitiveTypeName.BINARY
          && (a == null
              || a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
              || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation);
    }
    if (want.equals(DataTypes.TimestampType)) {
      if (p == PrimitiveTypeName.INT96) {
        return true;
      }
      return p == PrimitiveTypeName.INT64
          && a instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation ts
          && ts.getUnit() != LogicalTypeAnnotation.TimeUnit.NANOS;
    }
    if (want.equals(DataTypes.DoubleType)) {
      return p == PrimitiveTypeName.DOUBLE && a == null;
    }
    return false;
  }

  private static String describe(PrimitiveType t) {
    LogicalTypeAnnotation a = t.getLogicalTypeAnnotation();
    String phys = t.getPrimitiveTypeName().name().toLowerCase(java.util.Locale.ROOT);
    return a == null ? phys : phys + " (" + a + ")";
  }
}
