package io.kassette.backup;

import io.kassette.storage.ObjectKeys;
import java.util.regex.Pattern;

/**
 * Bucket format v1, one cluster's tree under the location:
 *
 * <pre>
 * kassette/v1/&lt;cluster&gt;/
 *   nodes/&lt;host&gt;/sstables/&lt;ks&gt;/&lt;table&gt;-&lt;id&gt;/[&lt;index dir&gt;/]&lt;sstable&gt;.&lt;digest&gt;/&lt;component&gt;  shared pool
 *   nodes/&lt;host&gt;/latest.json          the last backup that wrote a node manifest (dedup hint)
 *   backups/&lt;backup&gt;/nodes/&lt;host&gt;.json.gz  node manifest
 *   backups/&lt;backup&gt;/data/&lt;host&gt;/...       full mode: the backup's own copy
 *   backups/&lt;backup&gt;/schema.cql
 *   backups/&lt;backup&gt;/backup.json          cluster manifest, written last: the commit marker
 *   backups/&lt;backup&gt;/purging.json         purge marker: the backup is being deleted
 * </pre>
 */
public record BucketLayout(String cluster) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  public BucketLayout {
    requireName("cluster", cluster);
  }

  /** Cluster and backup names become path segments: keep them to a safe alphabet. */
  public static String requireName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException(
          "--"
              + what
              + " '"
              + name
              + "' is invalid: use 1-200 letters, digits, '.', '_' or '-', starting with a letter"
              + " or digit");
    }
    return name;
  }

  public String root() {
    return "kassette/v1/" + cluster + "/";
  }

  public String backupsPrefix() {
    return root() + "backups/";
  }

  public String backupPrefix(String backup) {
    return backupsPrefix() + requireName("name", backup) + "/";
  }

  public String clusterManifest(String backup) {
    return backupPrefix(backup) + "backup.json";
  }

  /** Written before a purge deletes anything of the backup; a later purge finishes the job. */
  public String purgeMarker(String backup) {
    return backupPrefix(backup) + "purging.json";
  }

  public String schema(String backup) {
    return backupPrefix(backup) + "schema.cql";
  }

  public String nodeManifestsPrefix(String backup) {
    return backupPrefix(backup) + "nodes/";
  }

  public String nodeManifest(String backup, String hostId) {
    return nodeManifestsPrefix(backup) + requireHost(hostId) + ".json.gz";
  }

  public String poolPrefix(String hostId) {
    return root() + "nodes/" + requireHost(hostId) + "/sstables/";
  }

  public String latestPointer(String hostId) {
    return root() + "nodes/" + requireHost(hostId) + "/latest.json";
  }

  public String ownDataPrefix(String backup, String hostId) {
    return backupPrefix(backup) + "data/" + requireHost(hostId) + "/";
  }

  public String probe(String id) {
    return root() + ".probe/" + id;
  }

  /**
   * The part of a file's key below the pool or own-data prefix: {@code
   * <ks>/<table>-<id>/[<subdir>/]<sstable>.<identity>/<component>}.
   */
  public static String fileKey(
      String keyspace, String table, String tableId, String relativePath, String identity) {
    int slash = relativePath.lastIndexOf('/');
    String dir = slash < 0 ? "" : relativePath.substring(0, slash + 1);
    String fileName = relativePath.substring(slash + 1);
    String key =
        SSTableName.parse(fileName)
            .map(n -> dir + n.descriptor() + "." + identity + "/" + n.component())
            .orElse(dir + "other." + identity + "/" + fileName);
    return ObjectKeys.requireSafe(tableDirectory(keyspace, table, tableId) + key);
  }

  /** The first part of {@link #fileKey}: one table's directory, ending with '/'. */
  public static String tableDirectory(String keyspace, String table, String tableId) {
    return keyspace + "/" + table + "-" + tableId + "/";
  }

  private static String requireHost(String hostId) {
    if (hostId == null || !hostId.matches("[0-9a-fA-F-]{1,64}")) {
      throw new IllegalArgumentException("invalid host id '" + hostId + "'");
    }
    return hostId;
  }
}
