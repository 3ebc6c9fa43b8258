package io.kassette.operator.api;

/**
 * Where a CassandraBackup is. Allowed transitions, and nothing else ({@link #canMoveTo}):
 *
 * <ul>
 *   <li>{@code Pending → Snapshotting} once the backup holds its cluster's lock and every node of
 *       the ring (in the selected datacenters) has a Ready pod whose sidecar answered; until then
 *       Pending, with condition Waiting saying why ({@code ClusterBusy}, {@code NoPods}, {@code
 *       NodeNotReady} naming the pod);
 *   <li>{@code Snapshotting → Uploading} when every node holds the snapshot;
 *   <li>{@code Uploading → Committing} when every node's upload succeeded;
 *   <li>{@code Committing → Succeeded} when every location's cluster manifest is written;
 *   <li>{@code Pending | Snapshotting | Uploading | Committing → Failed} when a node fails more
 *       than {@code backoffLimit} times, a node stays not Ready past {@code
 *       nodeReadyTimeoutSeconds} (unless {@code allowDownNodes} and every token range keeps a
 *       backed-up replica: then it is left out and listed in {@code missingNodes}), the commit
 *       fails more than {@code backoffLimit} times, or the spec cannot be carried out;
 *   <li>{@code Pending | Snapshotting | Uploading → Paused} on {@code suspend: true}, and back to
 *       the phase it left on {@code suspend: false} (nothing fails while paused: no operation
 *       runs).
 * </ul>
 *
 * Succeeded and Failed are final; a Failed backup is never committed, so it is never restorable,
 * and a Succeeded one holds every node of the ring or lists the ones it lacks.
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

  /** Whether the javadoc above allows {@code this → next}. */
  public boolean canMoveTo(BackupPhase next) {
    return switch (this) {
      case Pending -> next == Snapshotting || next == Failed || next == Paused;
      case Snapshotting -> next == Uploading || next == Failed || next == Paused;
      case Uploading -> next == Committing || next == Failed || next == Paused;
      case Committing -> next == Succeeded || next == Failed;
      case Paused -> next == Pending || next == Snapshotting || next == Uploading;
      case Succeeded, Failed -> false;
    };
  }
}
