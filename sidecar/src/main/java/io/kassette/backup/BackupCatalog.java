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
   */
  public record Listing(
      String name,
      boolean complete,
      String mode,
      Instant startedAt,
      Instant completedAt,
      int nodes,
      long files,
      long bytes) {}

  /** Backups, newest first; incomplete ones only when asked. */
  public List<Listing> list(boolean includeIncomplete) throws IOException {
    List<Listing> result = new ArrayList<>();
    for (String name : store.listChildren(layout.backupsPrefix())) {
      try {
        BucketLayout.requireName("name", name);
      } catch (IllegalArgumentException e) {
        continue; // not ours
      }
      ClusterManifest m = clusterManifest(name);
      if (m != null) {
        result.add(
            new Listing(
                name,
                true,
                m.mode(),
                m.startedAt(),
                m.completedAt(),
                m.nodes().size(),
                m.files(),
                m.bytes()));
      } else if (includeIncomplete) {
        List<NodeManifest> nodes = nodeManifests(name);
        Instant started =
            nodes.stream().map(NodeManifest::startedAt).min(Comparator.naturalOrder()).orElse(null);
        result.add(
            new Listing(
                name,
                false,
                nodes.isEmpty() ? null : nodes.get(0).mode(),
                started,
                null,
                nodes.size(),
                nodes.stream().mapToLong(n -> n.totals().files()).sum(),
                nodes.stream().mapToLong(n -> n.totals().bytes()).sum()));
      }
    }
    result.sort(
        Comparator.comparing((Listing l) -> l.startedAt() == null ? Instant.EPOCH : l.startedAt())
            .reversed());
    return result;
  }

  /** The cluster manifest, or null when the backup is not committed. */
  public ClusterManifest clusterManifest(String backup) throws IOException {
    try {
      return ManifestCodec.fromJson(
          store.get(layout.clusterManifest(backup)), ClusterManifest.class);
    } catch (NoSuchObjectException e) {
      return null;
    }
  }

  public NodeManifest nodeManifest(String key) throws IOException {
    return ManifestCodec.fromGzipJson(store.get(key), NodeManifest.class);
  }

  /** Every node manifest written for {@code backup}, committed or not. */
  public List<NodeManifest> nodeManifests(String backup) throws IOException {
    List<NodeManifest> result = new ArrayList<>();
    for (String child : store.listChildren(layout.nodeManifestsPrefix(backup))) {
      if (child.endsWith(".json.gz")) {
        result.add(nodeManifest(layout.nodeManifestsPrefix(backup) + child));
      }
    }
    return result;
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
