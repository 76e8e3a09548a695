package com.altaviz.etl.gold;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.column.impl.ColumnReaderImpl;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.EncodingStats;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.DictionaryPageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Silver's files grouped so that each compressor's readings are all in one group: files that
 * share a compressor id share a group. Gold reads each group as one task and needs no shuffle.
 *
 * <p>Why it works: silver writes its files from a shuffle by compressor (SilverJob), so each file
 * holds the compressors of one shuffle partition, and every date's files split the fleet the same
 * way. A file's compressor ids come from the dictionary page of its compressor_id column chunks,
 * a few kB read on the driver instead of the data. When the ids are not all in dictionaries, or
 * the groups are too few for the cores or too large for one task, the caller shuffles instead.
 */
final class SilverGroups {
  private static final String ID = "compressor_id";

  private SilverGroups() {}

  /** Groups of files, one task each; or why the files cannot be read that way. */
  record Grouping(Optional<List<List<SilverScan.SilverFile>>> groups, String reason) {
    static Grouping shuffle(String reason) {
      return new Grouping(Optional.empty(), reason);
    }
  }

  /**
   * Groups {@code paths} (with their byte {@code sizes}) for at least {@code minGroups} tasks
   * and at most four per core: connected groups beyond that are packed together by size. A
   * group over {@code maxGroupBytes} means shuffling: its task would buffer too many readings.
   */
  static Grouping of(
      Configuration conf, List<String> paths, List<Long> sizes, int minGroups,
      long maxGroupBytes) {
    if (paths.isEmpty()) {
      return Grouping.shuffle("no silver files in the read range");
    }
    List<Set<String>> ids =
        IntStream.range(0, paths.size())
            .parallel()
            .mapToObj(i -> compressorIds(conf, paths.get(i)))
            .toList();
    for (int i = 0; i < ids.size(); i++) {
      if (ids.get(i) == null) {
        return Grouping.shuffle(paths.get(i) + " has no compressor_id column");
      }
    }
    int[] parent = IntStream.range(0, paths.size()).toArray();
    Map<String, Integer> owner = new HashMap<>();
    for (int f = 0; f < ids.size(); f++) {
      for (String id : ids.get(f)) {
        Integer other = owner.putIfAbsent(id, f);
        if (other != null) {
          parent[root(parent, f)] = root(parent, other);
        }
      }
    }
    Map<Integer, List<Integer>> components = new HashMap<>();
    for (int f = 0; f < paths.size(); f++) {
      components.computeIfAbsent(root(parent, f), k -> new ArrayList<>()).add(f);
    }
    if (components.size() < minGroups) {
      return Grouping.shuffle(
          components.size() + " group(s) of files sharing compressors, fewer than the "
              + minGroups + " cores");
    }
    List<List<Integer>> packed = pack(new ArrayList<>(components.values()), sizes, 4 * minGroups);
    List<List<SilverScan.SilverFile>> groups = new ArrayList<>();
    for (List<Integer> group : packed) {
      long bytes = group.stream().mapToLong(sizes::get).sum();
      if (bytes > maxGroupBytes) {
        return Grouping.shuffle(
            "a group of files sharing compressors holds " + (bytes >> 20) + " MB, over "
                + (maxGroupBytes >> 20) + " MB for one task");
      }
      groups.add(
          group.stream().map(f -> new SilverScan.SilverFile(paths.get(f), sizes.get(f))).toList());
    }
    return new Grouping(Optional.of(groups), "");
  }

  /** Largest first onto the lightest of {@code max} bins (or one bin per component). */
  private static List<List<Integer>> pack(
      List<List<Integer>> components, List<Long> sizes, int max) {
    if (components.size() <= max) {
      return components;
    }
    Comparator<List<Integer>> bySize =
        Comparator.comparingLong(c -> c.stream().mapToLong(sizes::get).sum());
    components.sort(bySize.reversed());
    List<List<Integer>> bins = new ArrayList<>();
    for (List<Integer> c : components) {
      if (bins.size() < max) {
        bins.add(new ArrayList<>(c));
      } else {
        bins.stream().min(bySize).orElseThrow().addAll(c);
      }
    }
    return bins;
  }

  private static int root(int[] parent, int f) {
    while (parent[f] != f) {
      parent[f] = parent[parent[f]];
      f = parent[f];
    }
    return f;
  }

  /**
   * The compressor ids in one file: the dictionary pages of its compressor_id chunks (a few kB),
   * or the chunk's values where the writer stored them plainly (small files, whose ids are few
   * and mostly distinct); null when the file has no such column.
   */
  static Set<String> compressorIds(Configuration conf, String path) {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(new Path(path), conf))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      if (!schema.containsField(ID)) {
        return null;
      }
      ColumnDescriptor column = schema.getColumnDescription(new String[] {ID});
      reader.setRequestedSchema(new MessageType(schema.getName(), schema.getType(ID)));
      Set<String> ids = new HashSet<>();
      List<BlockMetaData> blocks = reader.getRowGroups();
      for (int b = 0; b < blocks.size(); b++) {
        BlockMetaData block = blocks.get(b);
        EncodingStats stats = block.getColumns().stream()
            .filter(c -> c.getPath().toDotString().equals(ID))
            .findFirst()
            .map(ColumnChunkMetaData::getEncodingStats)
            .orElse(null);
        if (stats != null && stats.hasDictionaryPages() && !stats.hasNonDictionaryEncodedPages()) {
          DictionaryPageReadStore store = reader.getDictionaryReader(block);
          DictionaryPage page = store.readDictionaryPage(column);
          Dictionary dictionary = page.getEncoding().initDictionary(column, page);
          for (int i = 0; i <= dictionary.getMaxId(); i++) {
            ids.add(dictionary.decodeToBinary(i).toStringUsingUTF8());
          }
        } else if (block.getRowCount() > 0) {
          ColumnReader values =
              new ColumnReaderImpl(
                  column, reader.readRowGroup(b).getPageReader(column), new PrimitiveConverter() {},
                  null);
          for (long i = 0, n = values.getTotalValueCount(); i < n; i++) {
            if (values.getCurrentDefinitionLevel() == column.getMaxDefinitionLevel()) {
              ids.add(values.getBinary().toStringUsingUTF8());
            }
            values.consume();
          }
        }
      }
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the compressor ids of " + path, e);
    }
  }
}
