package io.kassette.backup;

import io.kassette.storage.ObjectInfo;
import io.kassette.storage.ObjectStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Retention for one cluster in one location. Only complete backups count and the newest complete
 * one is never deleted. Each doomed backup first gets a purge marker ({@code purging.json}: from
 * then on any later purge finishes it), then expired backups lose their commit markers (from then
 * on they do not exist for list or restore), then their manifests and own data go; then a sweep
 * deletes pooled SSTables that no remaining manifest references and that are older than the grace
 * period, so a running backup's fresh uploads are safe. Pools and dedup pointers of nodes that left
 * the cluster go with the last backup that referenced them. The purge markers go last.
 *
 * <p>With a name prefix, only backups whose names start with it are expired or cleaned up (a
 * schedule's own backups); the sweep still honours every backup of the cluster.
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
   * @param prefix only backups whose names start with this are expired or cleaned up; null for all
   */
  public record Policy(int keepLast, Duration keepWithin, Duration grace, String prefix) {
    public Policy {
      if (keepLast < 1) {
        throw new IllegalArgumentException(
            "--keep-last must be at least 1 (the newest complete backup is always kept), got "
                + keepLast);
      }
      if (grace == null || grace.isNegative()) {
        throw new IllegalArgumentException("--grace must be 0 or more");
      }
      if (keepWithin != null && keepWithin.isNegative()) {
        throw new IllegalArgumentException("--keep-within must be 0 or more");
      }
      prefix = prefix == null || prefix.isEmpty() ? null : prefix;
    }

    public Policy(int keepLast, Duration keepWithin, Duration grace) {
      this(keepLast, keepWithin, grace, null);
    }

    boolean owns(String backup) {
      return prefix == null || backup.startsWith(prefix);
    }
  }

  /**
   * What a purge removed (or, dry, would remove): the backups kept and expired under the policy,
   * the incomplete ones cleaned up, and every object deleted (markers, manifests, own data, swept
   * pool objects).
   */
  public record Result(
      boolean dryRun,
      List<String> kept,
      List<String> expired,
      List<String> incomplete,
      long objects,
      long bytes) {}

  public Result purge(Policy policy, boolean dryRun, Instant now) throws IOException {
    try {
      return purge(policy, dryRun, now, new PurgeProgress());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("purge interrupted", e);
    }
  }

  /** Like {@link #purge(Policy, boolean, Instant)}; stops between batches when asked to. */
  public Result purge(Policy policy, boolean dryRun, Instant now, PurgeProgress progress)
      throws IOException, InterruptedException {
    progress.phase(PurgeProgress.Phase.PLAN);
    Instant graceLine = now.minus(policy.grace());
    Map<String, List<ObjectInfo>> objects = objectsByBackup();
    List<BackupCatalog.Listing> all = catalog.list(true);
    for (BackupCatalog.Listing l : all) {
      if (l.defect() != null) {
        // Its manifests may reference pooled files the sweep would take, and a tampered commit
        // marker must not turn a good backup into an "incomplete" one that a policy deletes.
        throw new PurgeRefusedException(
            "purge refused: backup "
                + l.name()
                + " cannot be read ("
                + l.defect()
                + "); nothing was deleted. Delete that backup, or put its manifest back, then"
                + " purge again");
      }
    }

    List<BackupCatalog.Listing> owned =
        all.stream()
            .filter(BackupCatalog.Listing::complete)
            .filter(l -> policy.owns(l.name()))
            .sorted(
                Comparator.comparing(
                        (BackupCatalog.Listing l) ->
                            l.completedAt() == null ? Instant.EPOCH : l.completedAt())
                    .reversed())
            .toList();
    Set<String> kept = new LinkedHashSet<>();
    List<String> expired = new ArrayList<>();
    for (int i = 0; i < owned.size(); i++) {
      BackupCatalog.Listing l = owned.get(i);
      boolean recent =
          policy.keepWithin() != null
              && !policy.keepWithin().isZero()
              && l.completedAt() != null
              && l.completedAt().isAfter(now.minus(policy.keepWithin()));
      if (i < policy.keepLast() || recent) {
        kept.add(l.name());
      } else {
        expired.add(l.name());
      }
    }
    List<String> incomplete = new ArrayList<>();
    List<String> staleMarkers = new ArrayList<>();
    for (BackupCatalog.Listing l : all) {
      boolean marked = hasPurgeMarker(objects.get(l.name()), l.name());
      if (!l.complete() && objects.getOrDefault(l.name(), List.of()).isEmpty()) {
        // Nothing of it is visible: a backup this run cannot read (client-side encrypted, seen
        // without the keys) or one that wrote nothing. There is nothing to delete either way.
        continue;
      }
      if (l.complete()) {
        if (marked && kept.contains(l.name())) {
          staleMarkers.add(layout.purgeMarker(l.name())); // an earlier policy doomed it
        }
        continue;
      }
      // A backup still written to has fresh objects; one without its commit marker but with a
      // purge marker is one an interrupted purge started to delete: finish it.
      Instant lastActivity =
          objects.getOrDefault(l.name(), List.of()).stream()
              .map(ObjectInfo::lastModified)
              .filter(t -> t != null)
              .max(Comparator.naturalOrder())
              .orElse(l.startedAt());
      boolean idle = lastActivity == null || lastActivity.isBefore(graceLine);
      if (marked || (policy.owns(l.name()) && idle)) {
        incomplete.add(l.name());
      }
    }
    Set<String> doomed = new LinkedHashSet<>(expired);
    doomed.addAll(incomplete);

    // Plan every deletion before the first one, in the order that keeps the bucket consistent.
    List<String> commitMarkers = new ArrayList<>();
    List<String> contents = new ArrayList<>();
    long bytes = 0;
    for (String b : expired) {
      commitMarkers.add(layout.clusterManifest(b));
    }
    for (String b : doomed) {
      for (ObjectInfo o : objects.getOrDefault(b, List.of())) {
        if (o.key().equals(layout.purgeMarker(b))) {
          continue;
        }
        bytes += o.size();
        if (!o.key().equals(layout.clusterManifest(b))) {
          contents.add(o.key());
        }
      }
    }

    Set<String> referenced = new HashSet<>();
    Set<String> hosts = new HashSet<>();
    for (BackupCatalog.Listing l : all) {
      if (doomed.contains(l.name())) {
        continue;
      }
      for (NodeManifest m : catalog.nodeManifests(l.name())) {
        hosts.add(m.node().hostId());
        for (NodeManifest.TableEntry t : m.tables()) {
          t.files().forEach(f -> referenced.add(f.key()));
        }
      }
    }
    List<String> swept = new ArrayList<>();
    String nodes = layout.root() + "nodes/";
    for (ObjectInfo o : store.list(nodes)) {
      boolean old = o.lastModified() == null || o.lastModified().isBefore(graceLine);
      if (!old) {
        continue; // a running backup may have just written it
      }
      String rest = o.key().substring(nodes.length());
      int slash = rest.indexOf('/');
      String host = slash < 0 ? rest : rest.substring(0, slash);
      boolean pooled = o.key().contains("/sstables/");
      boolean departedPointer = o.key().endsWith("/latest.json") && !hosts.contains(host);
      if ((pooled && !referenced.contains(o.key())) || departedPointer) {
        swept.add(o.key());
        bytes += o.size();
      }
    }

    List<String> purgeMarkers = doomed.stream().map(layout::purgeMarker).toList();
    long total = commitMarkers.size() + contents.size() + swept.size();
    progress.planned(total, bytes);
    if (!dryRun) {
      progress.phase(PurgeProgress.Phase.MARK);
      byte[] marker =
          ManifestCodec.json(Map.of("purgeStartedAt", now.toString(), "by", "kassette purge"));
      for (String b : doomed) {
        progress.checkStop();
        if (!hasPurgeMarker(objects.get(b), b)) {
          store.put(layout.purgeMarker(b), marker);
        }
      }
      progress.phase(PurgeProgress.Phase.EXPIRE);
      delete(commitMarkers, progress);
      progress.phase(PurgeProgress.Phase.DELETE);
      delete(contents, progress);
      progress.phase(PurgeProgress.Phase.SWEEP);
      delete(swept, progress);
      // Last: with them gone nothing is left to finish.
      List<String> markers = new ArrayList<>(purgeMarkers);
      markers.addAll(staleMarkers);
      if (!markers.isEmpty()) {
        store.delete(markers);
      }
    }
    progress.phase(PurgeProgress.Phase.DONE);
    return new Result(dryRun, List.copyOf(kept), expired, incomplete, total, bytes);
  }

  private void delete(List<String> keys, PurgeProgress progress)
      throws IOException, InterruptedException {
    for (int i = 0; i < keys.size(); i += BATCH) {
      progress.checkStop();
      List<String> batch = keys.subList(i, Math.min(keys.size(), i + BATCH));
      store.delete(batch);
      progress.deleted(batch.size());
    }
  }

  /** Every object below backups/, by backup name: its size, age, and whether a purge marked it. */
  private Map<String, List<ObjectInfo>> objectsByBackup() throws IOException {
    Map<String, List<ObjectInfo>> byBackup = new HashMap<>();
    String prefix = layout.backupsPrefix();
    for (ObjectInfo o : store.list(prefix)) {
      String rest = o.key().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0) {
        byBackup.computeIfAbsent(rest.substring(0, slash), k -> new ArrayList<>()).add(o);
      }
    }
    return byBackup;
  }

  private boolean hasPurgeMarker(List<ObjectInfo> objects, String backup) {
    String key = layout.purgeMarker(backup);
    return objects != null && objects.stream().anyMatch(o -> o.key().equals(key));
  }
}
