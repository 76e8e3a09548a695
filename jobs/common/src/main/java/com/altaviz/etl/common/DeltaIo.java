package com.altaviz.etl.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.kernel.Table;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.exceptions.TableNotFoundException;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Delta reads at a pinned version and atomic writes whose commit carries the run id as {@code
 * userMetadata}. Each write method returns the version it committed.
 */
public final class DeltaIo {
  private DeltaIo() {}

  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  /** Latest committed version, or empty when there is no table yet. */
  public static OptionalLong latestVersion(SparkSession spark, String path) {
    // Delta Kernel lists the log and reads its last checkpoint and commits on the driver, in
    // milliseconds; Delta's own snapshot replays the log with Spark jobs, seconds in a cold
    // driver, for one number. A table Kernel does not read (a protocol feature it does not
    // support) gets Delta's history.
    Engine engine = DefaultEngine.create(spark.sessionState().newHadoopConf());
    long version;
    try {
      version = Table.forPath(engine, path).getLatestSnapshot(engine).getVersion(engine);
    } catch (TableNotFoundException e) {
      return OptionalLong.empty();
    } catch (KernelException e) {
      requireIntactCommit(spark, path, OptionalLong.empty());
      return versionFromHistory(spark, path);
    } catch (RuntimeException e) {
      // a first write killed before its commit leaves a log directory with no commit in it,
      // which Kernel reports with a plain RuntimeException: there is no table yet
      if (!hasCommit(spark, path)) {
        return OptionalLong.empty();
      }
      requireIntactCommit(spark, path, OptionalLong.empty()); // a damaged commit: say so
      throw e;
    }
    requireIntactCommit(spark, path, OptionalLong.of(version));
    return OptionalLong.of(version);
  }

  /**
   * Refuses (exit 2) a table whose commit file of {@code version} (empty: the newest) is empty or
   * does not parse line by line as JSON: a disk that filled up or a copy cut short. Delta reads an
   * empty commit as a commit without changes, so the version would silently lack what it wrote, and
   * a truncated one fails deep inside the log replay. Only the one commit is read, a few kilobytes;
   * a version without a JSON commit (checkpointed and cleaned up) passes.
   */
  public static void requireIntactCommit(SparkSession spark, String path, OptionalLong version) {
    Path log = new Path(path, "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sessionState().newHadoopConf());
      Path commit;
      if (!fs.exists(log)) {
        return;
      }
      if (version.isPresent()) {
        commit = new Path(log, String.format("%020d.json", version.getAsLong()));
        if (!fs.exists(commit)) {
          return;
        }
      } else {
        FileStatus[] commits = fs.listStatus(log, p -> p.getName().matches("\\d{20}\\.json"));
        if (commits.length == 0) {
          return;
        }
        commit =
            Arrays.stream(commits)
                .map(FileStatus::getPath)
                .max(Comparator.comparing(Path::getName))
                .orElseThrow();
      }
      String problem = commitProblem(fs, commit);
      if (problem != null) {
        long v = Long.parseLong(commit.getName().substring(0, 20));
        throw EtlException.badInput(
            "Delta table "
                + path
                + ": commit file "
                + commit
                + " of version "
                + v
                + " "
                + problem
                + "; the table cannot be read as of v"
                + v
                + ". Restore the file from a backup"
                + (v == 0
                    ? ""
                    : ", or, if no later version exists, move it away (the table is "
                        + "then at v"
                        + (v - 1)
                        + ") and re-run the stage that wrote it"),
            null);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the Delta log " + log, e);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Why a commit file is unusable, or null. */
  private static String commitProblem(FileSystem fs, Path commit) throws IOException {
    byte[] bytes;
    try (var in = fs.open(commit)) {
      bytes = in.readAllBytes();
    }
    if (bytes.length == 0) {
      return "is empty (0 bytes)";
    }
    String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      try {
        if (!JSON.readTree(lines[i]).isObject()) {
          return "is corrupt (line " + (i + 1) + " is not a JSON object)";
        }
      } catch (JsonProcessingException e) {
        return "is cut short or corrupt (line "
            + (i + 1)
            + " of "
            + lines.length
            + " is not valid JSON, "
            + bytes.length
            + " bytes)";
      }
    }
    return null;
  }

  private static OptionalLong versionFromHistory(SparkSession spark, String path) {
    if (!exists(spark, path)) {
      return OptionalLong.empty();
    }
    Row last = DeltaTable.forPath(spark, path).history(1).select("version").first();
    return OptionalLong.of(last.getLong(0));
  }

  /** Whether the table's log holds a commit or checkpoint file. */
  private static boolean hasCommit(SparkSession spark, String path) {
    Path log = new Path(path, "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sessionState().newHadoopConf());
      return fs.exists(log)
          && fs.listStatus(log, p -> p.getName().matches("\\d{20}\\.(json|checkpoint.*)")).length
              > 0;
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + log, e);
    }
  }

  /** Reads {@code path} at {@code version} (time travel), or the latest when empty. */
  public static Dataset<Row> read(SparkSession spark, String path, OptionalLong version) {
    requireIntactCommit(spark, path, version);
    if (!exists(spark, path)) {
      throw EtlException.badInput("input Delta table does not exist: " + path, null);
    }
    var reader = spark.read().format("delta");
    if (version.isPresent()) {
      reader = reader.option("versionAsOf", version.getAsLong());
    }
    return reader.load(path);
  }

  /**
   * Rows of {@code path} at {@code version} matching the SQL {@code predicate} (null: all rows,
   * which Delta answers from its log's statistics).
   */
  public static long count(SparkSession spark, String path, long version, String predicate) {
    Dataset<Row> df = read(spark, path, OptionalLong.of(version));
    return predicate == null ? df.count() : df.where(predicate).count();
  }

  /**
   * SQL predicate of {@code range} on {@code column} of a table partitioned by its UTC {@code
   * date}: the date bounds let Delta skip partitions, the timestamp bounds cut exactly. A range of
   * whole UTC days (every daily run) is its date partitions exactly, so it gets the date bounds
   * only: a filter on partition columns alone lets a count read no column of the data files.
   */
  public static String dateRangePredicate(Interval range, String column) {
    if (range.isAll()) {
      return "true";
    }
    LocalDate first = range.start().atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate last = range.end().minusNanos(1000).atZone(ZoneOffset.UTC).toLocalDate();
    String dates = String.format("date >= DATE '%s' AND date <= DATE '%s'", first, last);
    return atMidnight(range.start()) && atMidnight(range.end())
        ? dates
        : dates + " AND " + range.sqlPredicate(column);
  }

  private static boolean atMidnight(Instant t) {
    return t.atZone(ZoneOffset.UTC).toLocalTime().equals(LocalTime.MIDNIGHT);
  }

  /** Blind append (never conflicts with concurrent appends). */
  public static long append(Dataset<Row> df, String path, String runId, String... partitionBy) {
    writer(df, runId, partitionBy).mode("append").save(path);
    return committedVersion(df.sparkSession(), path, runId);
  }

  /** Replaces exactly the rows matching {@code predicate}; creates the table when missing. */
  public static long replaceWhere(
      Dataset<Row> df, String path, String predicate, String runId, String... partitionBy) {
    SparkSession spark = df.sparkSession();
    DataFrameWriter<Row> w = writer(df, runId, partitionBy);
    if (exists(spark, path)) {
      w = w.mode("overwrite").option("replaceWhere", predicate);
    } else {
      w = w.mode("append");
    }
    w.save(path);
    return committedVersion(spark, path, runId);
  }

  /** Replaces the whole table (small dimension tables). */
  public static long overwrite(Dataset<Row> df, String path, String runId) {
    writer(df, runId).mode("overwrite").option("overwriteSchema", "true").save(path);
    return committedVersion(df.sparkSession(), path, runId);
  }

  private static DataFrameWriter<Row> writer(Dataset<Row> df, String runId, String... partitionBy) {
    DataFrameWriter<Row> w = df.write().format("delta").option("userMetadata", runId);
    return partitionBy.length > 0 ? w.partitionBy(partitionBy) : w;
  }

  /**
   * One commit of a table from Delta's history: version, operation, the run id in its userMetadata
   * (may be null) and Delta's operation metrics (e.g. numOutputRows).
   */
  public record Commit(long version, String operation, String runId, Map<String, String> metrics) {}

  /**
   * The newest {@code n} commits, newest first. Collected as Delta returns them and filtered here:
   * a projection of the history is answered on the driver, while a filter, sort or aggregate over
   * it would each cost Spark jobs, after every commit of every stage.
   */
  public static List<Commit> recentCommits(SparkSession spark, String path, int n) {
    List<Commit> out = new ArrayList<>();
    for (Row r :
        DeltaTable.forPath(spark, path)
            .history(n)
            .select("version", "operation", "userMetadata", "operationMetrics")
            .collectAsList()) {
      Map<String, String> metrics = r.isNullAt(3) ? Map.of() : r.getJavaMap(3);
      out.add(new Commit(r.getLong(0), r.getString(1), r.getString(2), metrics));
    }
    return out;
  }

  /**
   * Commits after {@code version} that changed data (writes, merges, deletes; not OPTIMIZE or
   * VACUUM, which keep the rows), oldest first; empty when the table does not exist.
   */
  public static List<Commit> dataCommitsSince(SparkSession spark, String path, long version) {
    long latest = latestVersion(spark, path).orElse(-1);
    if (latest <= version) {
      return List.of(); // the usual case, one small read of the log
    }
    return recentCommits(spark, path, (int) (latest - version)).stream()
        .filter(c -> c.version() > version && DATA_OPERATIONS.contains(c.operation()))
        .sorted(Comparator.comparingLong(Commit::version))
        .toList();
  }

  private static final List<String> DATA_OPERATIONS =
      List.of(
          "WRITE",
          "MERGE",
          "DELETE",
          "UPDATE",
          "CREATE TABLE AS SELECT",
          "REPLACE TABLE AS SELECT",
          "CREATE OR REPLACE TABLE AS SELECT",
          "STREAMING UPDATE");

  /**
   * The newest version committed with this run id. Looked up instead of assumed to be latest,
   * because another run may commit to the same table right after us.
   */
  public static long committedVersion(SparkSession spark, String path, String runId) {
    return recentCommits(spark, path, 20).stream()
        .filter(c -> runId.equals(c.runId()))
        .mapToLong(Commit::version)
        .max()
        .orElseGet(() -> latestVersion(spark, path).orElse(-1));
  }

  /**
   * Rows that commit {@code version} (one of the newest 20) wrote, from Delta's operation metrics:
   * no scan of the table; -1 when Delta recorded no row count.
   */
  public static long committedRows(SparkSession spark, String path, long version) {
    return recentCommits(spark, path, 20).stream()
        .filter(c -> c.version() == version)
        .findFirst()
        .map(c -> Long.parseLong(c.metrics().getOrDefault("numOutputRows", "-1")))
        .orElse(-1L);
  }
}
