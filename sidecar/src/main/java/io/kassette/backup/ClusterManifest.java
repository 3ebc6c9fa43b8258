package io.kassette.backup;

import java.time.Instant;
import java.util.List;

/** The commit marker of a backup: it exists only once every node's manifest is written. */
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
    long bytes) {

  /** One node of the backup and where its manifest is. */
  public record NodeRef(
      String hostId, String datacenter, String rack, String manifestKey, long files, long bytes) {}
}
