package io.kassette.backup;

import io.kassette.api.MissingNode;
import java.time.Instant;
import java.util.List;

/**
 * The commit marker of a backup: it exists only once every node's manifest is written.
 *
 * @param owner who committed it (the operator stamps its CassandraBackup's UID); null when written
 *     by the CLI or an older version
 * @param missingNodes ring members the backup does not hold (down, allowed by {@code
 *     allowDownNodes} because every token range kept a backed-up replica): a restore streams the
 *     backed-up replicas to every node instead of importing node by node
 */
public record ClusterManifest(
    int format,
    String kassetteVersion,
    String backup,
    String cluster,
    String mode,
    Instant startedAt,
    Instant completedAt,
    List<NodeRef> nodes,
    List<String> tables,
    long files,
    long bytes,
    String owner,
    List<MissingNode> missingNodes) {

  public ClusterManifest {
    missingNodes = missingNodes == null ? List.of() : List.copyOf(missingNodes);
  }

  /** One node of the backup and where its manifest is. */
  public record NodeRef(
      String hostId, String datacenter, String rack, String manifestKey, long files, long bytes) {}
}
