package io.kassette.api;

/** What an operation does on its node. */
public enum OperationKind {
  BACKUP,
  RESTORE,
  /** Retention for a cluster in a location; a sidecar runs it for the whole location. */
  PURGE;

  /** The path segment of this kind's routes: {@code /v1/backup-operations}. */
  public String path() {
    return name().toLowerCase(java.util.Locale.ROOT) + "-operations";
  }
}
