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
    List<Listing> result = new ArrayList<>();
    for (Listing l :
        ParallelReads.map("kassette-list", names, n -> listing(n, includeIncomplete))) {
      if (l != null) {
        result.add(l);
      }
    }
    result.sort(
        Comparator.comparing((Listing l) -> l.startedAt() == null ? Instant.EPOCH : l.startedAt())
            .reversed());
    return result;
  }

  /** One backup as listed, or null for an incomplete one when those are left out. */
  private Listing listing(String name, boolean includeIncomplete) throws IOException {
    try {
      ClusterManifest m = clusterManifest(name);
      if (m != null) {
        return new Listing(
            name,
            true,
            m.mode(),
            m.startedAt(),
            m.completedAt(),
            m.nodes().size(),
            m.files(),
            m.bytes(),
            null);
      }
      if (!includeIncomplete) {
        return null;
      }
      List<NodeManifest> nodes = nodeManifests(name);
      Instant started =
          nodes.stream().map(NodeManifest::startedAt).min(Comparator.naturalOrder()).orElse(null);
      return new Listing(
          name,
          false,
          nodes.isEmpty() ? null : nodes.get(0).mode(),
          started,
          null,
          nodes.size(),
          nodes.stream().mapToLong(n -> n.totals().files()).sum(),
          nodes.stream().mapToLong(n -> n.totals().bytes()).sum(),
          null);
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
