package io.kassette.api;

/** Why an operation failed, from a fixed set so metrics labels stay bounded. */
public enum ErrorCause {
  /** the object store refused or failed (credentials, bucket, network, corrupt object) */
  STORAGE,
  /** the database node refused or failed (JMX/REST/CQL, snapshot, import) */
  NODE,
  /** the request cannot be carried out as given (no such backup, selection matches nothing) */
  REQUEST,
  /**
   * the agent refuses the request and always will: a backup name another owner committed in the
   * location, a backup committed without this node. Retrying changes nothing.
   */
  REFUSED,
  /** the node's disk or data directories (space, permissions) */
  DISK,
  /** the agent stopped under the operation (restart, SIGTERM) */
  INTERRUPTED,
  /** anything else: a bug to report */
  INTERNAL
}
