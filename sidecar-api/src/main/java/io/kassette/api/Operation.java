package io.kassette.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A backup or restore on one node, as the agent reports it.
 *
 * @param id stable for the operation's life, also across agent restarts
 * @param name the caller-given key: one operation per kind and name
 * @param phase the engine's phase in lower case ({@code snapshot}, {@code upload}, {@code
 *     download}, {@code import} ...)
 * @param attempts runs started so far (resumes and retries count)
 * @param summary what the engine reported when it succeeded (totals, manifest key ...)
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
    Map<String, Object> summary) {

  public Operation {
    errors = errors == null ? List.of() : List.copyOf(errors);
    progress = progress == null ? OperationProgress.NONE : progress;
  }
}
