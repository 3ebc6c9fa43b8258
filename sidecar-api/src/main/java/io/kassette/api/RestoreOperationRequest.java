package io.kassette.api;

import java.util.Map;

/**
 * {@code POST /v1/restore-operations}: restore a committed backup into this node.
 *
 * @param name the operation's key
 * @param backup the backup to restore
 * @param keyspaces globs of backed-up tables to restore; null for all
 * @param truncate truncate each table first so it holds exactly the backed-up rows (default true)
 * @param sourceHostId the backed-up node to restore from; null for the one matching this node. In
 *     load mode a comma-separated list: the source nodes this node streams
 * @param step {@code all} (default), or one step of a restore coordinated across nodes: {@code
 *     validate}, {@code schema}, {@code download}, {@code truncate}, {@code import}
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
    Boolean ignoreTableIds,
    String step) {

  public RestoreOperationRequest {
    step = step == null ? "all" : step;
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
        name, location, cluster, backup, null, null, null, null, null, null, null, null, null,
        null);
  }

  public RestoreOperationRequest withRateLimit(double mibPerSecond) {
    return new RestoreOperationRequest(
        name,
        location,
        cluster,
        backup,
        keyspaces,
        truncate,
        sourceHostId,
        mode,
        parallel,
        mibPerSecond,
        renames,
        replication,
        ignoreTableIds,
        step);
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
        ignoreTableIds,
        step);
  }

  /** The same restore, one step of it, under another operation name. */
  public RestoreOperationRequest forStep(String operationName, String restoreStep) {
    return new RestoreOperationRequest(
        operationName,
        location,
        cluster,
        backup,
        keyspaces,
        truncate,
        sourceHostId,
        mode,
        parallel,
        rateLimitMiBps,
        renames,
        replication,
        ignoreTableIds,
        restoreStep);
  }

  public RestoreOperationRequest withReplication(Map<String, String> keyspaceReplication) {
    return new RestoreOperationRequest(
        name,
        location,
        cluster,
        backup,
        keyspaces,
        truncate,
        sourceHostId,
        mode,
        parallel,
        rateLimitMiBps,
        renames,
        keyspaceReplication,
        ignoreTableIds,
        step);
  }

  /**
   * After a coordinated validate step the tables the schema step creates have new ids: the later
   * steps must not refuse them.
   */
  public RestoreOperationRequest withIgnoreTableIds(boolean ignore) {
    return new RestoreOperationRequest(
        name,
        location,
        cluster,
        backup,
        keyspaces,
        truncate,
        sourceHostId,
        mode,
        parallel,
        rateLimitMiBps,
        renames,
        replication,
        ignore,
        step);
  }

  public RestoreOperationRequest withSources(String hostIds, String restoreMode) {
    return new RestoreOperationRequest(
        name,
        location,
        cluster,
        backup,
        keyspaces,
        truncate,
        hostIds,
        restoreMode,
        parallel,
        rateLimitMiBps,
        renames,
        replication,
        ignoreTableIds,
        step);
  }

  public RestoreOperationRequest withTransfer(
      String tableGlobs,
      boolean truncateFirst,
      int files,
      double mibPerSecond,
      Map<String, String> tableRenames) {
    return new RestoreOperationRequest(
        name,
        location,
        cluster,
        backup,
        tableGlobs,
        truncateFirst,
        sourceHostId,
        mode,
        files,
        mibPerSecond,
        tableRenames,
        replication,
        ignoreTableIds,
        step);
  }
}
