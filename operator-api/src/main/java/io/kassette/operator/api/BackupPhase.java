package io.kassette.operator.api;

/**
 * Where a CassandraBackup is. Allowed transitions, and nothing else:
 *
 * <ul>
 *   <li>{@code Pending → Snapshotting} once every pod's sidecar answered and no other backup of the
 *       cluster runs (until then Pending, with condition Waiting saying why);
 *   <li>{@code Snapshotting → Uploading} when every node holds the snapshot;
 *   <li>{@code Uploading → Committing} when every node's upload succeeded;
 *   <li>{@code Committing → Succeeded} when every location's cluster manifest is written;
 *   <li>{@code Pending | Snapshotting | Uploading | Committing → Failed} when a node fails more
 *       than {@code backoffLimit} times, or the spec cannot be carried out;
 *   <li>{@code Snapshotting | Uploading → Paused} on {@code suspend: true}, and back to the phase
 *       it left on {@code suspend: false}.
 * </ul>
 *
 * Succeeded and Failed are final; a Failed backup is never committed, so it is never restorable.
 */
public enum BackupPhase {
  Pending,
  Snapshotting,
  Uploading,
  Committing,
  Succeeded,
  Failed,
  Paused;

  public boolean finished() {
    return this == Succeeded || this == Failed;
  }
}
