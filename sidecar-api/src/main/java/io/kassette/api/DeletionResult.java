package io.kassette.api;

/**
 * {@code DELETE /v1/backups/{backup}}: what was removed from the location.
 *
 * @param existed false when there was nothing left of the backup (deleting again is harmless)
 */
public record DeletionResult(String backup, boolean existed, long objects, long bytes) {}
