package io.kassette.backup;

import io.kassette.api.MissingNode;
import io.kassette.storage.NoSuchObjectException;
import io.kassette.storage.ObjectStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/** What a location holds for one cluster: its backups, their manifests, and the commit step. */
public final class BackupCatalog {
  public static final String VERSION = "0.1.0";

  private final ObjectStore store;
  private final BucketLayout layout;

  public BackupCatalog(ObjectStore store, String cluster) {
    this.store = store;
    this.layout = new BucketLayout(cluster);
  }

  /**
   * A backup as listed: complete ones have a cluster manifest; incomplete ones only node manifests
   * or objects.
   *
   * @param defect why its manifests cannot be read (refused by the {@link ManifestGate}); null when
   *     they can. Such a backup is neither restorable nor purged by a policy.
   */
  public record Listing(
      String name,
      boolean complete,
      String mode,
      Instant startedAt,
      Instant completedAt,
      int nodes,
      long files,
      long bytes,
      String defect) {}

  /** Backups, newest first; incomplete ones only when asked; unreadable ones always. */
  public List<Listing> list(boolean includeIncomplete) throws IOException {
    List<String> names = new ArrayList<>();
    for (String name : store.listChildren(layout.backupsPrefix())) {
      try {
        BucketLayout.requireName("name", name);
        names.add(name);
      } catch (IllegalArgumentException e) {
        // not ours
      }
    }
    // A manifest read is a round trip: 1,002 of them one after another took 4.4-5.8 s on the
    // loopback S3 server (make bench-scale), and would take far longer against a remote bucket.
    // Only the small cluster manifests are read 8 at a time; the node manifests of incomplete
    // backups (each up to the gate's limit) are read one at a time, never held together.
    List<Listing> committed = ParallelReads.map("kassette-list", names, this::committedListing);
    List<Listing> result = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      if (committed.get(i) != null) {
        result.add(committed.get(i));
      } else if (includeIncomplete) {
        result.add(incompleteListing(names.get(i)));
      }
    }
    result.sort(
        Comparator.comparing((Listing l) -> l.startedAt() == null ? Instant.EPOCH : l.startedAt())
            .reversed());
    return result;
  }

  /**
   * A committed backup as listed, one whose manifest the gate refuses with its defect, else null.
   */
  private Listing committedListing(String name) throws IOException {
    try {
      ClusterManifest m = clusterManifest(name);
      return m == null
          ? null
          : new Listing(
              name,
              true,
              m.mode(),
              m.startedAt(),
              m.completedAt(),
              m.nodes().size(),
              m.files(),
              m.bytes(),
              null);
    } catch (InvalidManifestException e) {
      return new Listing(name, false, null, null, null, 0, 0, 0, e.getMessage());
    }
  }

  /** A backup without a commit marker, from its node manifests, read one at a time. */
  private Listing incompleteListing(String name) throws IOException {
    try {
      Instant started = null;
      String mode = null;
      int nodes = 0;
      long files = 0;
      long bytes = 0;
      for (String host : manifestHosts(name)) {
        NodeManifest n = nodeManifest(name, host);
        if (started == null || (n.startedAt() != null && n.startedAt().isBefore(started))) {
          started = n.startedAt();
        }
        mode = mode == null ? n.mode() : mode;
        nodes++;
        files += n.totals().files();
        bytes += n.totals().bytes();
      }
      return new Listing(name, false, mode, started, null, nodes, files, bytes, null);
    } catch (InvalidManifestException e) {
      return new Listing(name, false, null, null, null, 0, 0, 0, e.getMessage());
    }
  }

  /** The cluster manifest, or null when the backup is not committed; checked by the gate. */
  public ClusterManifest clusterManifest(String backup) throws IOException {
    try {
      return ManifestGate.readCluster(store, layout, backup);
    } catch (NoSuchObjectException e) {
      return null;
    }
  }

  /** The node manifest of {@code hostId} in {@code backup}, checked by the gate. */
  public NodeManifest nodeManifest(String backup, String hostId) throws IOException {
    return ManifestGate.readNode(store, layout, backup, hostId);
  }

  /** Every node manifest written for {@code backup}, committed or not. */
  public List<NodeManifest> nodeManifests(String backup) throws IOException {
    List<NodeManifest> result = new ArrayList<>();
    for (String host : manifestHosts(backup)) {
      result.add(nodeManifest(backup, host));
    }
    return result;
  }

  /**
   * The hosts with a node manifest in {@code backup}. Objects whose name is not a host id's
   * manifest are not Kassette's and are left out.
   */
  public List<String> manifestHosts(String backup) throws IOException {
    List<String> hosts = new ArrayList<>();
    for (String child : store.listChildren(layout.nodeManifestsPrefix(backup))) {
      String host = child.endsWith(".json.gz") ? child.substring(0, child.length() - 8) : "";
      if (ManifestGate.isHostId(host)) {
        hosts.add(host);
      }
    }
    return hosts;
  }

  /** The backup a node's latest pointer names, or null when there is none. */
  public String latestBackup(String hostId) throws IOException {
    try {
      return ManifestGate.readLatest(store, layout, hostId);
    } catch (NoSuchObjectException e) {
      return null;
    }
  }

  /**
   * Writes schema.cql and then the cluster manifest from the node manifests present: from that
   * moment the backup exists for list, verify and restore.
   */
  public ClusterManifest commit(String backup) throws IOException, BackupException {
    return commit(backup, null, List.of());
  }

  /**
   * The same, stamping who commits ({@code owner}) and the ring members the backup does not hold
   * ({@code missingNodes}).
   */
  public ClusterManifest commit(String backup, String owner, List<MissingNode> missingNodes)
      throws IOException, BackupException {
    List<NodeManifest> nodes = nodeManifests(backup);
    if (nodes.isEmpty()) {
      throw new BackupException("backup " + backup + " has no node manifest to commit");
    }
    nodes.sort(Comparator.comparing(n -> n.node().hostId()));
    StringBuilder schema = new StringBuilder();
    TreeSet<String> keyspaces = new TreeSet<>();
    TreeSet<String> tables = new TreeSet<>();
    List<ClusterManifest.NodeRef> refs = new ArrayList<>();
    for (NodeManifest n : nodes) {
      refs.add(
          new ClusterManifest.NodeRef(
              n.node().hostId(),
              n.node().datacenter(),
              n.node().rack(),
              layout.nodeManifest(backup, n.node().hostId()),
              n.totals().files(),
              n.totals().bytes()));
      n.keyspaces()
          .forEach(
              (ks, cql) -> {
                if (keyspaces.add(ks)) {
                  schema.append(cql.trim()).append("\n\n");
                }
              });
      for (NodeManifest.TableEntry t : n.tables()) {
        if (tables.add(t.keyspace() + "." + t.table()) && t.schemaCql() != null) {
          schema.append(t.schemaCql().trim()).append("\n\n");
        }
      }
    }
    Instant started =
        nodes.stream().map(NodeManifest::startedAt).min(Comparator.naturalOrder()).orElseThrow();
    Instant completed =
        nodes.stream().map(NodeManifest::completedAt).max(Comparator.naturalOrder()).orElseThrow();
    ClusterManifest manifest =
        new ClusterManifest(
            NodeManifest.FORMAT,
            VERSION,
            backup,
            layout.cluster(),
            nodes.get(0).mode(),
            started,
            completed,
            refs,
            new ArrayList<>(tables),
            refs.stream().mapToLong(ClusterManifest.NodeRef::files).sum(),
            refs.stream().mapToLong(ClusterManifest.NodeRef::bytes).sum(),
            owner,
            missingNodes);
    store.put(
        layout.schema(backup), schema.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    store.put(layout.clusterManifest(backup), ManifestCodec.json(manifest));
    return manifest;
  }
}
