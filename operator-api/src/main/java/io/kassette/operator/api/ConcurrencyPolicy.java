package io.kassette.operator.api;

/** What a BackupSchedule does when a run is due while its previous backup still runs. */
public enum ConcurrencyPolicy {
  /** the due run is skipped (and reported); the running backup goes on */
  Forbid,
  /**
   * the running backup is deleted (its work stopped, snapshots cleared), then the new one starts
   */
  Replace
}
