package io.kassette.backup;

import java.nio.file.Path;
import java.util.List;

/**
 * One node's part of a backup.
 *
 * @param parallel files transferred at once
 * @param rateLimitMiBps bytes per second across all files, in MiB; 0 for no limit
 * @param keepSnapshot leave the snapshot on the node afterwards
 * @param commit write the cluster manifest for this node alone (a one-node run)
 * @param dataDirectories overrides the node's data directories (a different mount path); empty to
 *     ask the node
 * @param owner who runs the backup (an operator's CassandraBackup UID), stamped in the cluster
 *     manifest; a committed backup of this name with another owner is refused. Null: unchecked
 */
public record BackupRequest(
    String cluster,
    String backup,
    Selection selection,
    Mode mode,
    int parallel,
    double rateLimitMiBps,
    boolean keepSnapshot,
    boolean commit,
    List<Path> dataDirectories,
    String owner) {

  public BackupRequest {
    BucketLayout.requireName("cluster", cluster);
    BucketLayout.requireName("name", backup);
    requireTransferLimits(parallel, rateLimitMiBps);
  }

  public BackupRequest(
      String cluster,
      String backup,
      Selection selection,
      Mode mode,
      int parallel,
      double rateLimitMiBps,
      boolean keepSnapshot,
      boolean commit,
      List<Path> dataDirectories) {
    this(
        cluster,
        backup,
        selection,
        mode,
        parallel,
        rateLimitMiBps,
        keepSnapshot,
        commit,
        dataDirectories,
        null);
  }

  /** The limits every transferring operation takes, checked the same way everywhere. */
  public static void requireTransferLimits(int parallel, double rateLimitMiBps) {
    if (parallel < 1 || parallel > 256) {
      throw new IllegalArgumentException("--parallel must be between 1 and 256, got " + parallel);
    }
    if (rateLimitMiBps < 0) {
      throw new IllegalArgumentException(
          "--rate-limit must be 0 (no limit) or a positive MiB/s, got " + rateLimitMiBps);
    }
  }

  /** The snapshot tag, the same on every node of the backup. */
  public String snapshotTag() {
    return "kassette-" + backup;
  }
}
