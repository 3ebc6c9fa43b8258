package io.kassette.backup;

import io.kassette.node.TableRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds a snapshot's files on disk: {@code <data dir>/<ks>/<table>-<id>/snapshots/<tag>/}, across
 * every data directory (JBOD).
 */
public final class SnapshotScanner {
  private final List<Path> dataDirectories;

  public SnapshotScanner(List<Path> dataDirectories) {
    this.dataDirectories = dataDirectories;
  }

  /** The tables among {@code tables} that already have a snapshot named {@code tag}. */
  public List<TableRef> tablesWithSnapshot(String tag, Collection<TableRef> tables)
      throws IOException {
    List<TableRef> found = new ArrayList<>();
    for (TableRef t : tables) {
      if (!snapshotDirs(t, tag).isEmpty()) {
        found.add(t);
      }
    }
    return found;
  }

  public List<TableSnapshot> scan(String tag, Collection<TableRef> tables) throws IOException {
    List<TableSnapshot> result = new ArrayList<>();
    for (TableRef t : tables) {
      Map<Path, String> dirs = snapshotDirs(t, tag);
      String tableId = dirs.isEmpty() ? null : dirs.values().iterator().next();
      String schema = null;
      List<SnapshotFile> files = new ArrayList<>();
      for (Path dir : dirs.keySet()) {
        Path schemaFile = dir.resolve("schema.cql");
        if (schema == null && Files.isRegularFile(schemaFile)) {
          schema = Files.readString(schemaFile);
        }
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path p : (Iterable<Path>) walk::iterator) {
            if (!Files.isRegularFile(p)) {
              continue;
            }
            String rel = dir.relativize(p).toString().replace('\\', '/');
            if (rel.equals("manifest.json") || rel.equals("schema.cql")) {
              continue; // Cassandra's own snapshot metadata; the schema goes into the manifest
            }
            files.add(new SnapshotFile(rel, p, Files.size(p)));
          }
        }
      }
      result.add(new TableSnapshot(t, tableId, schema, files));
    }
    return result;
  }

  /** Snapshot directories of the table, each mapped to the table id from its parent's name. */
  private Map<Path, String> snapshotDirs(TableRef t, String tag) throws IOException {
    Map<Path, String> dirs = new LinkedHashMap<>();
    for (Path data : dataDirectories) {
      Path ksDir = data.resolve(t.keyspace());
      if (!Files.isDirectory(ksDir)) {
        continue;
      }
      try (Stream<Path> tableDirs = Files.list(ksDir)) {
        for (Path tableDir : (Iterable<Path>) tableDirs::iterator) {
          tableId(tableDir.getFileName().toString(), t.table())
              .filter(id -> Files.isDirectory(tableDir.resolve("snapshots").resolve(tag)))
              .ifPresent(id -> dirs.put(tableDir.resolve("snapshots").resolve(tag), id));
        }
      }
    }
    return dirs;
  }

  /** The id in a directory named {@code <table>-<32 hex digits>}, if it is this table's. */
  static Optional<String> tableId(String dirName, String table) {
    int dash = dirName.lastIndexOf('-');
    if (dash < 0 || !dirName.substring(0, dash).equals(table)) {
      return Optional.empty();
    }
    String id = dirName.substring(dash + 1);
    return id.matches("[0-9a-f]{32}") ? Optional.of(id) : Optional.empty();
  }
}
