package io.kassette.restore;

import io.kassette.backup.BackupCatalog;
import io.kassette.backup.ClusterManifest;
import io.kassette.backup.NodeManifest;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The node manifests a restore reads to plan this node's part, kept across the steps of one restore
 * (the operator runs validate, schema, download, truncate and import as separate operations on
 * every node). A node matched by its tokens reads every node manifest of the backup: without this,
 * once per step.
 *
 * <p>Each step still reads the backup's cluster manifest, its commit marker: one small object. The
 * node manifests are reused only while it is the very same (a backup deleted and taken again under
 * the same name has another start, end and owner), and are dropped when the restore ends on this
 * node.
 */
public final class RestoreSources {
  /** Restores planned on this node and not yet ended: in practice one. */
  private static final int KEPT = 4;

  private record Key(String location, String cluster, String backup) {}

  private record Entry(ClusterManifest cluster, Map<String, NodeManifest> nodes) {}

  private final int capacity;
  private final Map<Key, Entry> kept;
  private int nodeReads;

  /** Keeps the node manifests of the last few restores planned on this node. */
  public RestoreSources() {
    this(KEPT);
  }

  private RestoreSources(int capacity) {
    this.capacity = capacity;
    this.kept =
        new LinkedHashMap<>(8, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
            return size() > RestoreSources.this.capacity;
          }
        };
  }

  /** Keeps nothing: every step reads (the CLI runs a restore in one step). */
  static RestoreSources none() {
    return new RestoreSources(0);
  }

  /** One step's view of a backup: its cluster manifest as read now, its node manifests. */
  final class View {
    private final Key key;
    private final BackupCatalog catalog;
    private final Entry entry;

    private View(Key key, BackupCatalog catalog, Entry entry) {
      this.key = key;
      this.catalog = catalog;
      this.entry = entry;
    }

    /** The cluster manifest read by this step; null when the backup is not (any more) complete. */
    ClusterManifest cluster() {
      return entry == null ? null : entry.cluster();
    }

    /** A node manifest, read from the store the first time this backup asks for it. */
    NodeManifest node(String hostId) throws IOException {
      if (entry == null) {
        throw new IllegalStateException("backup " + key.backup() + " has no cluster manifest");
      }
      synchronized (RestoreSources.this) {
        NodeManifest m = entry.nodes().get(hostId);
        if (m != null) {
          return m;
        }
      }
      NodeManifest m = catalog.nodeManifest(key.backup(), hostId);
      synchronized (RestoreSources.this) {
        nodeReads++;
        entry.nodes().put(hostId, m);
      }
      return m;
    }
  }

  /**
   * Reads the backup's cluster manifest and returns the step's view: the kept node manifests when
   * the cluster manifest is the one they were read under, none otherwise.
   */
  View view(String location, BackupCatalog catalog, String cluster, String backup)
      throws IOException {
    Key key = new Key(location, cluster, backup);
    ClusterManifest now = catalog.clusterManifest(backup);
    synchronized (this) {
      if (now == null) {
        kept.remove(key);
        return new View(key, catalog, null);
      }
      Entry entry = kept.get(key);
      if (entry == null || !entry.cluster().equals(now)) {
        entry = new Entry(now, new HashMap<>());
        // the newest commit marker's entry replaces any older one; with no capacity, none is kept
        kept.put(key, entry);
      }
      return new View(key, catalog, entry);
    }
  }

  /** The restore ended on this node (imported, or failed): its manifests are not needed again. */
  synchronized void forget(String location, String cluster, String backup) {
    kept.remove(new Key(location, cluster, backup));
  }

  /** How many node manifests were read from the store: the plan's cost, for tests. */
  public synchronized int nodeReads() {
    return nodeReads;
  }
}
