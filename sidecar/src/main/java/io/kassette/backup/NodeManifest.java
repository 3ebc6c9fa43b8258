package io.kassette.backup;

import io.kassette.node.NodeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one node contributed to a backup: enough to restore it without Kubernetes or the node.
 *
 * @param schemaVersion the node's schema version when the backup started
 * @param keyspaces CREATE KEYSPACE statements by keyspace
 */
public record NodeManifest(
    int format,
    String backup,
    String cluster,
    String mode,
    NodeInfo node,
    Instant startedAt,
    Instant completedAt,
    String schemaVersion,
    Map<String, String> keyspaces,
    List<TableEntry> tables,
    Totals totals) {

  public static final int FORMAT = 1;

  /** A table's schema and files. */
  public record TableEntry(
      String keyspace, String table, String tableId, String schemaCql, List<FileEntry> files) {}

  /**
   * One file.
   *
   * @param path the file's path in the table directory (restores write it back under this name)
   * @param key the object key relative to the location
   */
  public record FileEntry(String path, String key, long size, String crc32c) {}

  /** Counts over the node's files: all, uploaded by this backup, and found already stored. */
  public record Totals(
      long files,
      long bytes,
      long uploadedFiles,
      long uploadedBytes,
      long skippedFiles,
      long skippedBytes) {}
}
