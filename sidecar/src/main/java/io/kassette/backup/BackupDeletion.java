package io.kassette.backup;

import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Deletes one backup from a location: its commit marker first (from then on it does not exist for
 * list or restore, even if the rest is interrupted), then the pooled SSTables no other backup
 * references, then the backup's own prefix. Deleting again finishes an interrupted deletion.
 *
 * <p>A backup of the same nodes must not run meanwhile: it may be about to reference a pooled
 * object that is deleted here. The operator never runs the two at once.
 */
public final class BackupDeletion {
  private static final int BATCH = 1000;

  private final ObjectStore store;
  private final BucketLayout layout;
  private final BackupCatalog catalog;

  public BackupDeletion(ObjectStore store, String cluster) {
    this.store = store;
    this.layout = new BucketLayout(cluster);
    this.catalog = new BackupCatalog(store, cluster);
  }

  /** What a deletion removed. */
  public record Result(String backup, boolean existed, long objects, long bytes) {}

  public Result delete(String backup) throws IOException {
    BucketLayout.requireName("name", backup);
    List<NodeManifest> mine = readable(backup, new ArrayList<>());
    List<ObjectInfo> own = store.list(layout.backupPrefix(backup));
    if (mine.isEmpty() && own.isEmpty()) {
      return new Result(backup, false, 0, 0);
    }
    store.delete(List.of(layout.clusterManifest(backup)));

    Set<String> referencedElsewhere = new HashSet<>();
    List<String> unreadable = new ArrayList<>();
    for (String other : store.listChildren(layout.backupsPrefix())) {
      if (other.equals(backup)) {
        continue;
      }
      try {
        BucketLayout.requireName("name", other);
      } catch (IllegalArgumentException notOurs) {
        continue;
      }
      for (NodeManifest m : readable(other, unreadable)) {
        keys(m, referencedElsewhere);
      }
    }
    Set<String> pooled = new HashSet<>();
    // What an unreadable manifest references is unknown: pooled objects then stay for a purge's
    // sweep once every manifest reads again.
    if (unreadable.isEmpty()) {
      mine.forEach(m -> keys(m, pooled));
    }
    pooled.removeIf(
        k -> referencedElsewhere.contains(k) || k.startsWith(layout.backupPrefix(backup)));

    long objects = 0;
    long bytes = 0;
    List<String> doomed = new ArrayList<>();
    for (NodeManifest m : mine) {
      for (NodeManifest.TableEntry t : m.tables()) {
        for (NodeManifest.FileEntry f : t.files()) {
          if (pooled.remove(f.key())) {
            doomed.add(f.key());
            objects++;
            bytes += f.size();
          }
        }
      }
    }
    // The backup's own prefix last: its node manifests are what a re-run needs to find the pool
    // objects above if this deletion is interrupted.
    for (ObjectInfo o : own) {
      if (!o.key().equals(layout.clusterManifest(backup))) {
        doomed.add(o.key());
        objects++;
        bytes += o.size();
      }
    }
    for (int i = 0; i < doomed.size(); i += BATCH) {
      store.delete(doomed.subList(i, Math.min(doomed.size(), i + BATCH)));
    }
    return new Result(backup, true, objects, bytes);
  }

  /** The node manifests of {@code backup} the gate accepts; the refused ones go to {@code bad}. */
  private List<NodeManifest> readable(String backup, List<String> bad) throws IOException {
    List<NodeManifest> result = new ArrayList<>();
    for (String host : catalog.manifestHosts(backup)) {
      try {
        result.add(catalog.nodeManifest(backup, host));
      } catch (InvalidManifestException e) {
        bad.add(e.getMessage());
      }
    }
    return result;
  }

  private static void keys(NodeManifest m, Set<String> into) {
    for (NodeManifest.TableEntry t : m.tables()) {
      for (NodeManifest.FileEntry f : t.files()) {
        into.add(f.key());
      }
    }
  }
}
