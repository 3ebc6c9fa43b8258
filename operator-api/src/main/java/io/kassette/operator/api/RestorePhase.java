package io.kassette.operator.api;

/**
 * Where a CassandraRestore is. Allowed transitions, and nothing else:
 *
 * <ul>
 *   <li>{@code Pending → Validating} once the target pods' sidecars answered;
 *   <li>{@code Validating → RestoringSchema} when every node checked the backup (complete), the
 *       tables and its free disk, and the source-to-target mapping is chosen;
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
 * Succeeded and Failed are final: a finished restore is never run again.
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
}
