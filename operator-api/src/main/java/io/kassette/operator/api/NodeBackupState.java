package io.kassette.operator.api;

/** One node's part of a backup. */
public enum NodeBackupState {
  Pending,
  Snapshotting,
  Snapshotted,
  Uploading,
  Uploaded,
  Paused,
  Failed
}
