package io.kassette.api;

/**
 * Retention for one cluster in one location: {@code POST /v1/purge} (answers when done) or {@code
 * POST /v1/purge-operations} (an operation like a backup's: started, polled, paused, resumed).
 *
 * @param keepLast complete backups to keep, newest first (at least 1)
 * @param keepWithin also keep complete backups younger than this (ISO-8601 or 7d / 12h); null for
 *     none
 * @param grace leave incomplete backups and unreferenced SSTables younger than this (default 6h)
 * @param prefix only backups whose names start with this are expired or cleaned up (a schedule's
 *     own); null for every backup of the cluster. What other backups reference is always kept.
 * @param name the operation's key; required for {@code /v1/purge-operations} only
 */
public record PurgeRequest(
    String location,
    String cluster,
    Integer keepLast,
    String keepWithin,
    String grace,
    Boolean dryRun,
    String prefix,
    String name) {
  public PurgeRequest {
    grace = grace == null ? "6h" : grace;
    dryRun = dryRun != null && dryRun;
  }

  public PurgeRequest(
      String location,
      String cluster,
      Integer keepLast,
      String keepWithin,
      String grace,
      Boolean dryRun) {
    this(location, cluster, keepLast, keepWithin, grace, dryRun, null, null);
  }

  /**
   * The same purge as an operation named {@code name}, limited to backups named {@code prefix}*.
   */
  public PurgeRequest asOperation(String name, String prefix) {
    return new PurgeRequest(location, cluster, keepLast, keepWithin, grace, dryRun, prefix, name);
  }
}
