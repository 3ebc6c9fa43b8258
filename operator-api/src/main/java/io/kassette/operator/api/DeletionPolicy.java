package io.kassette.operator.api;

/** What happens to a backup's data in storage when its resource is deleted. */
public enum DeletionPolicy {
  /** the data stays: the backup can still be listed and restored with the CLI */
  Retain,
  /** the data is removed through a sidecar before the resource goes */
  Delete
}
