package io.kassette.operator.api;

/**
 * Where a CassandraRestore is. Allowed transitions, and nothing else ({@link #canMoveTo}):
 *
 * <ul>
 *   <li>{@code Pending → Validating} once the restore holds the target cluster's lock and every
 *       node of the target ring has a Ready pod whose sidecar answered (until then Pending, with
 *       condition Waiting: {@code ClusterBusy}, {@code NoPods}, {@code NodeNotReady});
 *   <li>{@code Validating → RestoringSchema} when every node checked the backup (complete), the
 *       tables and its free disk, and the source-to-target mapping is chosen (load mode when the
 *       backup lacks a node, or the topology differs);
 *   <li>{@code RestoringSchema → Downloading} once missing keyspaces and tables exist;
 *   <li>{@code Downloading → Truncating} when every node holds its verified files (with {@code
 *       truncate}), else {@code → Importing};
 *   <li>{@code Truncating → Importing} after one truncation of the tables;
 *   <li>{@code Importing → Succeeded} when every node imported (or streamed) its files;
 *   <li>{@code Pending | Validating | RestoringSchema | Downloading → Failed}: nothing was
 *       truncated; {@code Truncating | Importing → Failed} names the nodes not restored;
 *   <li>{@code Downloading → Paused} on {@code suspend: true}, back on {@code false}.
 * </ul>
 *
 * Succeeded and Failed are final: a finished restore is never run again. A restore deleted while it
 * truncates or imports keeps its finalizer until that step has ended on every node.
 */
public enum RestorePhase {
  Pending,
  Validating,
  RestoringSchema,
  Downloading,
  Truncating,
  Importing,
  Succeeded,
  Failed,
  Paused;

  public boolean finished() {
    return this == Succeeded || this == Failed;
  }

  /** Whether the javadoc above allows {@code this → next}. */
  public boolean canMoveTo(RestorePhase next) {
    return switch (this) {
      case Pending -> next == Validating || next == Failed;
      case Validating -> next == RestoringSchema || next == Failed;
      case RestoringSchema -> next == Downloading || next == Failed;
      case Downloading ->
          next == Truncating || next == Importing || next == Failed || next == Paused;
      case Truncating -> next == Importing || next == Failed;
      case Importing -> next == Succeeded || next == Failed;
      case Paused -> next == Downloading;
      case Succeeded, Failed -> false;
    };
  }
}
