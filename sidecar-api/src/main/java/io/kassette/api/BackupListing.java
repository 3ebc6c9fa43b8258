package io.kassette.api;

import java.time.Instant;
import java.util.List;

/** {@code GET /v1/backups}: the backups of a cluster in a location, newest first. */
public record BackupListing(List<Entry> backups) {

  /**
   * One backup; incomplete ones (no cluster manifest) only when asked for.
   *
   * @param defect why its manifests were refused as invalid, null when they were not
   */
  public record Entry(
      String name,
      boolean complete,
      String mode,
      Instant startedAt,
      Instant completedAt,
      int nodes,
      long files,
      long bytes,
      String defect) {}
}
