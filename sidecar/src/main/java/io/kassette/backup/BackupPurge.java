package io.kassette.backup;

import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Retention for one cluster in one location. Only complete backups count and the newest complete
 * one is never deleted. Expired backups lose their commit markers first (from then on they do not
 * exist for list or restore), then their manifests and own data; then a sweep deletes pooled
 * SSTables that no remaining manifest references and that are older than the grace period, so a
 * running backup's fresh uploads are safe. Pools of nodes that left the cluster go with the last
 * backup that referenced them. An interrupted purge is finished by the next one: a backup without
 * its marker is incomplete, and incomplete backups older than the grace period are removed.
 */
public final class BackupPurge {
  private static final int BATCH = 1000;

  private final ObjectStore store;
  private final BucketLayout layout;
  private final BackupCatalog catalog;

  public BackupPurge(ObjectStore store, String cluster) {
    this.store = store;
    this.layout = new BucketLayout(cluster);
    this.catalog = new BackupCatalog(store, cluster);
  }

  /**
   * @param keepLast complete backups to keep, newest first (at least 1)
   * @param keepWithin complete backups younger than this are kept too; null or zero for none
   * @param grace incomplete backups and unreferenced pool objects younger than this are kept
   */
  public record Policy(int keepLast, Duration keepWithin, Duration grace) {
    public Policy {
      if (keepLast < 1) {
        throw new IllegalArgumentException(
            "--keep-last must be at least 1 (the newest complete backup is always kept), got "
                + keepLast);
      }
      if (grace == null || grace.isNegative()) {
        throw new IllegalArgumentException("--grace must be 0 or more");
      }
    }
  }

  /** What a purge removed (or, dry, would remove). */
  public record Result(
      boolean dryRun,
      List<String> kept,
      List<String> expired,
      List<String> incomplete,
      long objects,
      long bytes) {}

  public Result purge(Policy policy, boolean dryRun, Instant now) throws IOException {
    List<BackupCatalog.Listing> all = catalog.list(true);
    List<BackupCatalog.Listing> complete =
        all.stream()
            .filter(BackupCatalog.Listing::complete)
            .sorted(
                Comparator.comparing(
                        (BackupCatalog.Listing l) ->
                            l.completedAt() == null ? Instant.EPOCH : l.completedAt())
                    .reversed())
            .toList();
    Set<String> kept = new LinkedHashSet<>();
    for (int i = 0; i < complete.size(); i++) {
      BackupCatalog.Listing l = complete.get(i);
      boolean recent =
          policy.keepWithin() != null
              && !policy.keepWithin().isZero()
              && l.completedAt() != null
              && l.completedAt().isAfter(now.minus(policy.keepWithin()));
      if (i < policy.keepLast() || recent) {
        kept.add(l.name());
      }
    }
    List<String> expired =
        complete.stream().map(BackupCatalog.Listing::name).filter(n -> !kept.contains(n)).toList();
    Instant graceLine = now.minus(policy.grace());
    List<String> incomplete = new ArrayList<>();
    Set<String> inFlight = new HashSet<>();
    for (BackupCatalog.Listing l : all) {
      if (l.complete()) {
        continue;
      }
      Instant started = l.startedAt();
      if (started != null && started.isBefore(graceLine)) {
        incomplete.add(l.name());
      } else {
        inFlight.add(l.name()); // may be running: untouched, and what it references stays
      }
    }

    Set<String> doomed = new LinkedHashSet<>();
    long[] bytes = {0};
    for (String b : expired) {
      doomed.add(layout.clusterManifest(b)); // commit markers first
    }
    List<String> prefixes = new ArrayList<>();
    for (String b : expired) {
      prefixes.add(layout.backupPrefix(b));
    }
    for (String b : incomplete) {
      prefixes.add(layout.backupPrefix(b));
    }
    for (String prefix : prefixes) {
      for (ObjectInfo o : store.list(prefix)) {
        if (!doomed.contains(o.key())) {
          doomed.add(o.key());
          bytes[0] += o.size();
        }
      }
    }

    Set<String> referenced = new HashSet<>();
    Set<String> remaining = new LinkedHashSet<>(kept);
    remaining.addAll(inFlight);
    for (String b : remaining) {
      for (NodeManifest m : catalog.nodeManifests(b)) {
        for (NodeManifest.TableEntry t : m.tables()) {
          t.files().forEach(f -> referenced.add(f.key()));
        }
      }
    }
    String nodes = layout.root() + "nodes/";
    for (ObjectInfo o : store.list(nodes)) {
      boolean pooled = o.key().contains("/sstables/");
      boolean old = o.lastModified() == null || o.lastModified().isBefore(graceLine);
      if (pooled && old && !referenced.contains(o.key())) {
        doomed.add(o.key());
        bytes[0] += o.size();
      }
    }
    if (!dryRun) {
      List<String> ordered = new ArrayList<>(doomed);
      for (int i = 0; i < ordered.size(); i += BATCH) {
        store.delete(ordered.subList(i, Math.min(ordered.size(), i + BATCH)));
      }
    }
    return new Result(dryRun, List.copyOf(kept), expired, incomplete, doomed.size(), bytes[0]);
  }
}
