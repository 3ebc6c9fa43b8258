package io.kassette.restore;

import io.kassette.backup.BackupException;
import io.kassette.backup.NodeManifest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The manifests a restore reads to plan this node's part, kept across the steps of one restore (the
 * operator runs validate, schema, download, truncate and import as separate operations on every
 * node). Read once, they are not read again: a committed backup never changes, and a node that
 * found its source by tokens does not list and read every node manifest of the cluster five times.
 * An entry is keyed by everything that chose it, this node's identity included, so a replaced node
 * or another request plans afresh.
 */
public final class RestoreSources {
  /** Restores planned on one node and not yet ended: in practice one. */
  private static final int KEPT = 4;

  /** What chose the sources: the store, the backup, the request's choice and this node. */
  record Key(
      String location,
      String cluster,
      String backup,
      RestoreRequest.Mode mode,
      Set<String> sourceHostIds,
      String hostId,
      List<String> tokens) {}

  /**
   * This node's sources: its own node manifest, or (load mode) those of the backed-up nodes.
   *
   * @param load true when the files are streamed by the bulk loader rather than imported
   */
  record Sources(List<NodeManifest> manifests, boolean load) {}

  interface Reader {
    Sources read() throws IOException, BackupException;
  }

  private final int capacity;
  private final Map<Key, Sources> kept;
  private int reads;

  /** Keeps the sources of the last few restores planned on this node. */
  public RestoreSources() {
    this(KEPT);
  }

  private RestoreSources(int capacity) {
    this.capacity = capacity;
    this.kept =
        new LinkedHashMap<>(8, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Sources> eldest) {
            return size() > RestoreSources.this.capacity;
          }
        };
  }

  /** Keeps nothing: every call reads (the CLI runs a restore in one step). */
  static RestoreSources none() {
    return new RestoreSources(0);
  }

  /** The sources for this key, read by {@code reader} only the first time. */
  Sources get(Key key, Reader reader) throws IOException, BackupException {
    synchronized (this) {
      Sources s = kept.get(key);
      if (s != null) {
        return s;
      }
    }
    // Read outside the lock: two different restores do not wait for each other's manifests.
    Sources s = reader.read();
    synchronized (this) {
      reads++;
      kept.put(key, s);
    }
    return s;
  }

  /** How many times the manifests were read: the plan's cost, for tests and metrics. */
  public synchronized int reads() {
    return reads;
  }
}
