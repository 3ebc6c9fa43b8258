package io.kassette.api;

/**
 * {@code POST /v1/backup-operations}: back up this node. Sending the same request again returns the
 * same operation (and resumes it when it was paused); a different request under a name in use is
 * refused.
 *
 * @param name the operation's key, and the backup's name in the bucket
 * @param location {@code s3://bucket/prefix}, {@code gs://bucket/prefix} or {@code file:///path}
 * @param cluster cluster name used in the bucket path
 * @param keyspaces globs such as {@code app*,!app_tmp.*}; null for every user table
 * @param mode {@code differential} (default) or {@code full}
 * @param parallel files transferred at once (default 4)
 * @param rateLimitMiBps upload limit for this node in MiB/s; 0 (default) for none
 * @param commit write the cluster manifest when done (a one-node cluster); the operator commits
 *     multi-node backups with {@code /v1/backups/{backup}/commit} instead
 * @param keepSnapshot leave the snapshot on the node afterwards
 */
public record BackupOperationRequest(
    String name,
    String location,
    String cluster,
    String keyspaces,
    String mode,
    Integer parallel,
    Double rateLimitMiBps,
    Boolean commit,
    Boolean keepSnapshot) {

  public BackupOperationRequest {
    mode = mode == null ? "differential" : mode;
    parallel = parallel == null ? 4 : parallel;
    rateLimitMiBps = rateLimitMiBps == null ? 0.0 : rateLimitMiBps;
    commit = commit != null && commit;
    keepSnapshot = keepSnapshot != null && keepSnapshot;
  }

  /** A request with the defaults for everything but where and what. */
  public static BackupOperationRequest of(String name, String location, String cluster) {
    return new BackupOperationRequest(name, location, cluster, null, null, null, null, null, null);
  }

  public BackupOperationRequest withKeyspaces(String globs) {
    return new BackupOperationRequest(
        name, location, cluster, globs, mode, parallel, rateLimitMiBps, commit, keepSnapshot);
  }

  public BackupOperationRequest withRateLimit(double mibPerSecond) {
    return new BackupOperationRequest(
        name, location, cluster, keyspaces, mode, parallel, mibPerSecond, commit, keepSnapshot);
  }

  public BackupOperationRequest withCommit(boolean commitWhenDone) {
    return new BackupOperationRequest(
        name,
        location,
        cluster,
        keyspaces,
        mode,
        parallel,
        rateLimitMiBps,
        commitWhenDone,
        keepSnapshot);
  }

  public BackupOperationRequest withParallel(int files) {
    return new BackupOperationRequest(
        name, location, cluster, keyspaces, mode, files, rateLimitMiBps, commit, keepSnapshot);
  }
}
