package io.kassette.api;

/**
 * {@code POST /v1/purge}: retention for one cluster in one location.
 *
 * @param keepLast complete backups to keep, newest first (at least 1)
 * @param keepWithin also keep complete backups younger than this (ISO-8601 or 7d / 12h); null for
 *     none
 * @param grace leave incomplete backups and unreferenced SSTables younger than this (default 6h)
 */
public record PurgeRequest(
    String location,
    String cluster,
    Integer keepLast,
    String keepWithin,
    String grace,
    Boolean dryRun) {
  public PurgeRequest {
    grace = grace == null ? "6h" : grace;
    dryRun = dryRun != null && dryRun;
  }
}
