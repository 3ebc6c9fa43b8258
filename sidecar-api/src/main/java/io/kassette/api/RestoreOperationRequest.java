package io.kassette.api;

import java.util.Map;

/**
 * {@code POST /v1/restore-operations}: restore a committed backup into this node.
 *
 * @param name the operation's key
 * @param backup the backup to restore
 * @param keyspaces globs of backed-up tables to restore; null for all
 * @param truncate truncate each table first so it holds exactly the backed-up rows (default true)
 * @param sourceHostId the backed-up node to restore from; null for the one matching this node
 * @param mode {@code auto} (default), {@code import} (same topology) or {@code load} (stream)
 * @param renames {@code keyspace.table} in the backup → {@code keyspace.table} to restore into
 * @param replication per keyspace, the CQL replication map used when the restore creates it
 * @param ignoreTableIds proceed when a table exists with another id than the backed-up one
 */
public record RestoreOperationRequest(
    String name,
    String location,
    String cluster,
    String backup,
    String keyspaces,
    Boolean truncate,
    String sourceHostId,
    String mode,
    Integer parallel,
    Double rateLimitMiBps,
    Map<String, String> renames,
    Map<String, String> replication,
    Boolean ignoreTableIds) {

  public RestoreOperationRequest {
    truncate = truncate == null || truncate;
    mode = mode == null ? "auto" : mode;
    parallel = parallel == null ? 4 : parallel;
    rateLimitMiBps = rateLimitMiBps == null ? 0.0 : rateLimitMiBps;
    renames = renames == null ? Map.of() : Map.copyOf(renames);
    replication = replication == null ? Map.of() : Map.copyOf(replication);
    ignoreTableIds = ignoreTableIds != null && ignoreTableIds;
  }

  /** A request with the defaults for everything but where and what. */
  public static RestoreOperationRequest of(
      String name, String location, String cluster, String backup) {
    return new RestoreOperationRequest(
        name, location, cluster, backup, null, null, null, null, null, null, null, null, null);
  }

  public RestoreOperationRequest withKeyspaces(String globs) {
    return new RestoreOperationRequest(
        name,
        location,
        cluster,
        backup,
        globs,
        truncate,
        sourceHostId,
        mode,
        parallel,
        rateLimitMiBps,
        renames,
        replication,
        ignoreTableIds);
  }
}
