package io.kassette.api;

/**
 * Where an operation is. Allowed transitions, and nothing else:
 *
 * <ul>
 *   <li>{@code PENDING → RUNNING} when the agent picks it up;
 *   <li>{@code RUNNING → SUCCEEDED | FAILED} when the engine ends;
 *   <li>{@code RUNNING → PAUSED} on pause, on SIGTERM, or when the agent restarted under it
 *       (snapshot and stored objects are kept);
 *   <li>{@code PAUSED → RUNNING} on resume or on a re-sent start of the same request;
 *   <li>{@code FAILED → RUNNING} on resume (a retry that keeps what was already stored);
 *   <li>{@code PENDING | RUNNING | PAUSED | FAILED → CANCELLED} on cancel (snapshot cleared).
 * </ul>
 *
 * SUCCEEDED and CANCELLED are final.
 */
public enum OperationState {
  PENDING,
  RUNNING,
  PAUSED,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** Holds the agent's single work slot. */
  public boolean active() {
    return this == PENDING || this == RUNNING;
  }

  public boolean terminal() {
    return this == SUCCEEDED || this == CANCELLED;
  }
}
