package io.kassette.operator;

/** Every Reason the operator puts on an Event; a fixed set, so alerts can match on it. */
public enum EventReason {
  Waiting,
  NodeNotReady,
  NodeBusy,
  NodesMissing,
  ClusterBusy,
  ApiError,
  Started,
  Snapshotted,
  Validated,
  SchemaCreated,
  Downloaded,
  Truncated,
  NodeUploaded,
  NodeRetrying,
  Committed,
  Succeeded,
  Failed,
  InvalidSpec,
  Paused,
  Resumed,
  Cleanup,
  DataDeleted,
  Scheduled,
  SkippedRun,
  Replaced,
  Purging,
  Purged,
  PurgeFailed,
  HistoryTrimmed
}
