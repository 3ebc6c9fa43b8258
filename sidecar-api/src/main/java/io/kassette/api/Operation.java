package io.kassette.api;

import java.time.Instant;
import java.util.List;

/**
 * A backup or restore on one node, as the agent reports it.
 *
 * @param id stable for the operation's life, also across agent restarts
 * @param name the caller-given key: one operation per kind and name
 * @param phase the engine's phase in lower case ({@code snapshot}, {@code upload}, {@code
 *     download}, {@code import} ...)
 * @param attempts runs started so far (resumes and retries count)
 * @param backupResult what a succeeded backup operation did; null otherwise
 * @param restoreResult what a succeeded restore step did; null otherwise
 * @param purgeResult what a succeeded purge did; null otherwise
 */
public record Operation(
    String id,
    OperationKind kind,
    String name,
    OperationState state,
    String phase,
    OperationProgress progress,
    List<OperationError> errors,
    int attempts,
    Instant createdAt,
    Instant startedAt,
    Instant endedAt,
    BackupResult backupResult,
    RestoreResult restoreResult,
    PurgeResult purgeResult) {

  public Operation {
    errors = errors == null ? List.of() : List.copyOf(errors);
    progress = progress == null ? OperationProgress.NONE : progress;
  }
}
