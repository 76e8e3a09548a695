package com.altaviz.etl.common;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The per-run quality report (docs/quality-and-features.md, "Quality report"): reads {@code
 * ops/quality_metrics} once and writes a self-contained HTML page to {@code
 * <lake>/reports/<run>/index.html}, plus {@code reports/latest/index.html} when the run is the
 * newest interval. Works with the table before and after the check suite's extra columns (absent
 * columns read as null).
 */
public final class QualityReport {
  private QualityReport() {}

  /** Runs shown in the history charts, counted by interval. */
  public static final int HISTORY = 30;

  static final String REPORTS = "reports";
  static final String LATEST = "latest";
  static final String INDEX = "index.html";

  /** The columns the report reads, in this order; those added by the check suite may be absent. */
  static final List<String> COLUMNS =
      List.of(
          "run_id",
          "stage",
          "interval_start",
          "interval_end",
          "metric",
          "column_name",
          "value",
          "limit_value",
          "status",
          "computed_at",
          "check_name",
          "kind",
          "table_name",
          "scope",
          "lower_bound",
          "upper_bound",
          "p_value",
          "action",
          "message");

  /** One row of ops/quality_metrics, every field nullable. */
  public record MetricRow(
      String runId,
      String stage,
      Instant intervalStart,
      Instant intervalEnd,
      String metric,
      String column,
      Double value,
      Double limit,
      String status,
      Instant computedAt,
      String checkName,
      String kind,
      String table,
      String scope,
      Double lower,
      Double upper,
      Double pValue,
      String action,
      String message) {

    /** The check kind; legacy rows have only a metric name. */
    public String kindOrMetric() {
      return kind != null ? kind : metric;
    }

    /** The check's name; legacy rows are named by their metric. */
    public String name() {
      return checkName != null ? checkName : metric;
    }

    /** Fleet-wide ("*") rather than one compressor or model. */
    public boolean fleetWide() {
      return "*".equals(displayScope());
    }

    /** The scope: legacy rows name a compressor in column_name, a sensor or "*" otherwise. */
    public String displayScope() {
      if (scope != null) {
        return scope;
      }
      return column == null || "*".equals(column) || Schemas.SENSOR_COLUMNS.contains(column)
          ? "*"
          : column;
    }

    /** The column checked, or null when the check is about whole rows. */
    public String displayColumn() {
      if (scope != null) {
        return "*".equals(column) ? null : column;
      }
      return Schemas.SENSOR_COLUMNS.contains(column) ? column : null;
    }
  }

  /**
   * Renders the report of {@code runId} when {@code ops/quality_metrics} holds rows of it; returns
   * the page's path, empty when there is nothing to report.
   */
  public static Optional<String> render(SparkSession spark, LakePaths lake, String runId)
      throws IOException {
    if (!DeltaIo.exists(spark, lake.qualityMetrics())) {
      return Optional.empty();
    }
    List<MetricRow> rows = read(spark, lake.qualityMetrics(), runId);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    ReportStore store = new ReportStore(lake.table(REPORTS), conf);
    Optional<QualityReportPage.Model> model =
        QualityReportPage.model(runId, rows, store::exists, HISTORY);
    if (model.isEmpty()) {
      return Optional.empty();
    }
    QualityReportPage.Model m = model.get();
    String html = QualityReportPage.html(m);
    String page = store.write(runId, html);
    if (m.next() == null) {
      store.write(LATEST, html); // the same depth under reports/, so its relative links work
    }
    // the neighbours' pages were written without this run: point their links to it
    QualityReportPage.Neighbour self =
        new QualityReportPage.Neighbour(runId, m.intervalStart(), true);
    if (m.previous() != null && m.previous().hasReport()) {
      store.relink(m.previous().runId(), QualityReportPage.NEXT, self);
    }
    if (m.next() != null && m.next().hasReport()) {
      store.relink(m.next().runId(), QualityReportPage.PREVIOUS, self);
    }
    return Optional.of(page);
  }

  /**
   * This run's rows and the fleet-wide sensor-level rows of every run (the history charts and the
   * previous/next links), in one filtered read: per-compressor rows of other runs are the bulk of
   * the table and are left out.
   */
  static List<MetricRow> read(SparkSession spark, String path, String runId) {
    Dataset<Row> df = spark.read().format("delta").load(path);
    Set<String> present = new HashSet<>(Arrays.asList(df.columns()));
    List<Column> select = new ArrayList<>();
    for (String c : COLUMNS) {
      select.add(present.contains(c) ? col(c) : lit(null).cast(typeOf(c)).as(c));
    }
    Dataset<Row> projected = df.select(select.toArray(Column[]::new));
    List<String> wanted = new ArrayList<>(Schemas.SENSOR_COLUMNS);
    wanted.add("*");
    Column fleet =
        col("scope")
            .isNull()
            .or(col("scope").equalTo("*"))
            .and(col("column_name").isNull().or(col("column_name").isin(wanted.toArray())));
    List<MetricRow> out = new ArrayList<>();
    for (Row r : projected.where(col("run_id").equalTo(runId).or(fleet)).collectAsList()) {
      out.add(
          new MetricRow(
              r.getString(0),
              r.getString(1),
              instant(r, 2),
              instant(r, 3),
              r.getString(4),
              r.getString(5),
              dbl(r, 6),
              dbl(r, 7),
              r.getString(8),
              instant(r, 9),
              r.getString(10),
              r.getString(11),
              r.getString(12),
              r.getString(13),
              dbl(r, 14),
              dbl(r, 15),
              dbl(r, 16),
              r.getString(17),
              r.getString(18)));
    }
    return out;
  }

  private static DataType typeOf(String column) {
    return switch (column) {
      case "value", "limit_value", "lower_bound", "upper_bound", "p_value" -> DataTypes.DoubleType;
      case "interval_start", "interval_end", "computed_at" -> DataTypes.TimestampType;
      default -> DataTypes.StringType;
    };
  }

  private static Instant instant(Row r, int i) {
    return r.isNullAt(i) ? null : ((Timestamp) r.get(i)).toInstant();
  }

  private static Double dbl(Row r, int i) {
    return r.isNullAt(i) ? null : ((Number) r.get(i)).doubleValue();
  }

  /**
   * A run id as a directory name: characters other than letters, digits, '.', '_' and '-' become
   * '_' (Airflow's run ids carry ':' and '+', which a Hadoop path and a link do not take as they
   * are).
   */
  public static String directoryOf(String runId) {
    String d = runId.replaceAll("[^A-Za-z0-9._-]", "_");
    return d.isEmpty() || d.startsWith(".") ? "_" + d : d;
  }

  /** Pages under {@code <lake>/reports}, on the local disk or any Hadoop file system. */
  static final class ReportStore {
    private final String root;
    private final Configuration conf;
    private final Map<String, Boolean> seen = new LinkedHashMap<>();

    ReportStore(String root, Configuration conf) {
      this.root = root;
      this.conf = conf;
    }

    private boolean local() {
      String scheme = URI.create(root.replace(" ", "%20")).getScheme();
      return scheme == null || scheme.equals("file");
    }

    private java.nio.file.Path localPath(String runDir) {
      String r = root.startsWith("file:") ? URI.create(root).getPath() : root;
      return java.nio.file.Path.of(r, runDir, INDEX);
    }

    /** Whether the report of {@code runId} exists (a link to it would resolve). */
    boolean exists(String runId) {
      return seen.computeIfAbsent(
          runId,
          id -> {
            String dir = directoryOf(id);
            if (local()) {
              return Files.isRegularFile(localPath(dir));
            }
            try {
              Path p = new Path(root + "/" + dir + "/" + INDEX);
              return p.getFileSystem(conf).exists(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }

    /**
     * Replaces the {@code rel} link line of {@code runId}'s page (and of the latest copy when it is
     * that page) with one to {@code to}; a page without that line (another version's) is left.
     */
    void relink(String runId, String rel, QualityReportPage.Neighbour to) throws IOException {
      String line = QualityReportPage.navLine(rel, to);
      Pattern old = Pattern.compile("(?m)^<(?:span|a) id=\"" + rel + "\"[^\n]*\n");
      String runIdLine = "<dd id=\"run-id\">" + QualityReportPage.esc(runId) + "</dd>";
      for (String page : List.of(runId, LATEST)) {
        String html = read(page);
        if (html == null || !html.contains(runIdLine)) {
          continue;
        }
        Matcher m = old.matcher(html);
        if (m.find() && !m.group().equals(line)) {
          write(page, html.substring(0, m.start()) + line + html.substring(m.end()));
        }
      }
    }

    /** The page of {@code runId}, or null when there is none. */
    private String read(String runId) throws IOException {
      String dir = directoryOf(runId);
      if (local()) {
        java.nio.file.Path p = localPath(dir);
        return Files.isRegularFile(p) ? Files.readString(p, StandardCharsets.UTF_8) : null;
      }
      Path p = new Path(root + "/" + dir + "/" + INDEX);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        return null;
      }
      try (var in = fs.open(p)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }

    /**
     * Writes the page atomically: on a local disk a temporary file renamed over the old page; on an
     * object store (s3a) one PUT, which publishes the object whole when the stream closes (a rename
     * there is a copy and no more atomic).
     */
    String write(String runId, String html) throws IOException {
      String dir = directoryOf(runId);
      byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
      if (local()) {
        java.nio.file.Path target = localPath(dir);
        Files.createDirectories(target.getParent());
        java.nio.file.Path tmp =
            target.resolveSibling("." + INDEX + "." + UUID.randomUUID() + ".tmp");
        try {
          Files.write(tmp, bytes);
          Files.move(
              tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(tmp);
        }
        return target.toString();
      }
      Path target = new Path(root + "/" + dir + "/" + INDEX);
      FileSystem fs = target.getFileSystem(conf);
      try (OutputStream out = fs.create(target, true)) {
        out.write(bytes);
      }
      return target.toString();
    }
  }
}
