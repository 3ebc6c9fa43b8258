package io.kassette.backup;

import io.kassette.storage.Checksums;
import io.kassette.storage.ObjectStore;
import io.kassette.storage.UploadResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Checks that a backup can be restored: its commit marker, every node manifest, and every object
 * they list with the recorded size; deep mode also re-reads each object and compares its CRC32C.
 */
public final class VerifyService {
  private final ObjectStore store;
  private final BucketLayout layout;
  private final BackupCatalog catalog;

  public VerifyService(ObjectStore store, String cluster) {
    this.store = store;
    this.layout = new BucketLayout(cluster);
    this.catalog = new BackupCatalog(store, cluster);
  }

  /** What verify found. A backup is good when {@code defects} is empty. */
  public record Report(
      String backup, long objects, long bytes, boolean deep, List<String> defects) {
    public boolean ok() {
      return defects.isEmpty();
    }
  }

  public Report verify(String backup, boolean deep, int parallel)
      throws IOException, InterruptedException {
    List<String> defects = Collections.synchronizedList(new ArrayList<>());
    ClusterManifest cluster = catalog.clusterManifest(backup);
    if (cluster == null) {
      defects.add(
          "backup "
              + backup
              + " is not complete: "
              + store.location().describe(layout.clusterManifest(backup))
              + " is missing");
      return new Report(backup, 0, 0, deep, defects);
    }
    long objects = 0;
    long bytes = 0;
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
    try {
      List<Future<?>> reads = new ArrayList<>();
      for (ClusterManifest.NodeRef ref : cluster.nodes()) {
        NodeManifest manifest;
        try {
          manifest = catalog.nodeManifest(backup, ref.hostId());
        } catch (IOException e) {
          defects.add(
              "node manifest "
                  + store.location().describe(ref.manifestKey())
                  + ": "
                  + e.getMessage());
          continue;
        }
        // Only the directories of the tables the manifest names, table by table.
        Set<String> prefixes = new HashSet<>();
        for (String base :
            List.of(layout.poolPrefix(ref.hostId()), layout.ownDataPrefix(backup, ref.hostId()))) {
          for (NodeManifest.TableEntry t : manifest.tables()) {
            for (NodeManifest.FileEntry f : t.files()) {
              String prefix = TableListing.tablePrefixOf(base, f.key());
              if (prefix != null) {
                prefixes.add(prefix);
              }
            }
          }
        }
        Map<String, Long> sizes = TableListing.sizes(store, prefixes);
        for (NodeManifest.TableEntry t : manifest.tables()) {
          for (NodeManifest.FileEntry f : t.files()) {
            objects++;
            bytes += f.size();
            Long size = sizes.get(f.key());
            if (size == null) {
              defects.add("missing object " + store.location().describe(f.key()));
            } else if (size != f.size()) {
              defects.add(
                  "object "
                      + store.location().describe(f.key())
                      + " has "
                      + size
                      + " bytes, the manifest says "
                      + f.size());
            } else if (deep) {
              reads.add(pool.submit(() -> checkContent(f, defects)));
            }
          }
        }
      }
      for (Future<?> r : reads) {
        try {
          r.get();
        } catch (java.util.concurrent.ExecutionException e) {
          defects.add("verify failed: " + e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Collections.sort(defects);
    return new Report(backup, objects, bytes, deep, List.copyOf(defects));
  }

  private Void checkContent(NodeManifest.FileEntry f, List<String> defects) {
    try (InputStream in = store.open(f.key())) {
      UploadResult actual = Checksums.crc32c(in);
      if (!actual.crc32c().equals(f.crc32c()) || actual.size() != f.size()) {
        defects.add(
            "object "
                + store.location().describe(f.key())
                + " is corrupt: CRC32C "
                + actual.crc32c()
                + ", the manifest says "
                + f.crc32c());
      }
    } catch (IOException e) {
      defects.add("cannot read " + store.location().describe(f.key()) + ": " + e.getMessage());
    }
    return null;
  }
}
