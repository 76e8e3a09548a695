package com.altaviz.etl.gold;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.altaviz.etl.common.SparkTestBase;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Grouping real Parquet files, written by Spark, by the compressors they share. */
class SilverGroupsTest extends SparkTestBase {
  private static final Configuration CONF = new Configuration();
  private static final long MAX = 256L << 20;

  @TempDir Path dir;

  /** 12 compressors C01..C12, each with readings on two dates. */
  private Dataset<Row> readings() {
    return spark
        .range(48)
        .selectExpr(
            "format_string('C%02d', CAST(id % 12 + 1 AS INT)) AS compressor_id",
            "CAST(id DIV 24 AS INT) AS day",
            "CAST(id AS DOUBLE) AS v");
  }

  private List<String> write(Dataset<Row> rows, String name, String... options) {
    var writer = rows.write().partitionBy("day");
    for (int i = 0; i < options.length; i += 2) {
      writer = writer.option(options[i], options[i + 1]);
    }
    String out = dir.resolve(name).toString();
    writer.parquet(out);
    List<String> files = new ArrayList<>();
    for (File day : new File(out).listFiles(File::isDirectory)) {
      for (File f : day.listFiles((d, n) -> n.endsWith(".parquet"))) {
        files.add(f.getPath());
      }
    }
    Collections.sort(files);
    return files;
  }

  private static List<Long> sizes(List<String> files, long each) {
    return files.stream().map(f -> each).toList();
  }

  @Test
  void filesSplitByCompressorHashFormOneGroupPerSplit() {
    List<String> files = write(readings().repartition(3, col("compressor_id")), "hash");
    assertThat(files).hasSize(6); // 3 splits x 2 dates

    SilverGroups.Grouping g = SilverGroups.of(CONF, files, sizes(files, 1000), 2, MAX);

    List<List<SilverScan.SilverFile>> groups = g.groups().orElseThrow();
    assertThat(groups).hasSize(3);
    Set<String> seen = new HashSet<>();
    for (List<SilverScan.SilverFile> group : groups) {
      assertThat(group).hasSize(2); // the same split on both dates
      Set<String> ids = new HashSet<>();
      for (SilverScan.SilverFile f : group) {
        ids.addAll(SilverGroups.compressorIds(CONF, f.path()));
      }
      assertThat(Collections.disjoint(ids, seen)).as("%s shares no compressor", group).isTrue();
      seen.addAll(ids);
    }
    assertThat(seen).hasSize(12);
  }

  @Test
  void idsComeFromDictionariesOrFromPlainValues() {
    Set<String> expected =
        Arrays.stream(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
            .mapToObj(i -> String.format("C%02d", i))
            .collect(Collectors.toSet());
    List<String> dictionary = write(readings().coalesce(1), "dict");
    List<String> plain =
        write(readings().coalesce(1), "plain", "parquet.enable.dictionary", "false");
    for (String f : dictionary) {
      assertThat(SilverGroups.compressorIds(CONF, f)).isEqualTo(expected);
    }
    for (String f : plain) {
      assertThat(SilverGroups.compressorIds(CONF, f)).isEqualTo(expected);
    }
  }

  @Test
  void tooFewOrTooLargeGroupsMeanShuffling() {
    List<String> whole = write(readings().coalesce(1), "whole");
    assertThat(SilverGroups.of(CONF, whole, sizes(whole, 1000), 2, MAX).reason())
        .isEqualTo("1 group(s) of files sharing compressors, fewer than the 2 cores");

    List<String> hash = write(readings().repartition(2, col("compressor_id")), "large");
    SilverGroups.Grouping large =
        SilverGroups.of(CONF, hash, sizes(hash, MAX), 2, MAX);
    assertThat(large.groups()).isEmpty();
    assertThat(large.reason())
        .isEqualTo("a group of files sharing compressors holds 512 MB, over 256 MB for one task");

    assertThat(SilverGroups.of(CONF, List.of(), List.of(), 2, MAX).reason())
        .isEqualTo("no silver files in the read range");
  }

  @Test
  void manySmallGroupsArePackedIntoFourPerCore() {
    List<String> files = write(readings().repartition(12, col("compressor_id")), "many");
    Set<String> all = new HashSet<>();
    for (String f : files) {
      all.addAll(SilverGroups.compressorIds(CONF, f));
    }
    int splits = (int) files.stream().map(f -> new File(f).getName().substring(0, 10)).distinct()
        .count();
    assertThat(splits).as("non-empty hash splits").isGreaterThan(4);

    List<List<SilverScan.SilverFile>> groups =
        SilverGroups.of(CONF, files, sizes(files, 1000), 1, MAX).groups().orElseThrow();

    assertThat(groups).hasSize(4);
    assertThat(groups.stream().mapToInt(List::size).sum()).isEqualTo(files.size());
    Set<String> seen = new HashSet<>();
    for (List<SilverScan.SilverFile> group : groups) {
      Set<String> ids = new HashSet<>();
      group.forEach(f -> ids.addAll(SilverGroups.compressorIds(CONF, f.path())));
      assertThat(Collections.disjoint(ids, seen)).as("%s shares no compressor", group).isTrue();
      seen.addAll(ids);
    }
    assertThat(seen).isEqualTo(all);
  }
}
