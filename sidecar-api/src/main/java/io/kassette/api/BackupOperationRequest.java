package io.kassette.api;

/**
 * {@code POST /v1/backup-operations}: back up this node. Sending the same request again returns the
 * same operation (and resumes it when it was paused); a different request under a name in use is
 * refused.
 *
 * @param name the operation's key
 * @param backup the backup's name in the bucket (and its snapshot tag {@code kassette-<backup>});
 *     null for {@code name}. Two operations of one backup (snapshot first, then upload) share it.
 * @param location {@code s3://bucket/prefix}, {@code gs://bucket/prefix} or {@code file:///path}
 * @param cluster cluster name used in the bucket path
 * @param keyspaces globs such as {@code app*,!app_tmp.*}; null for every user table
 * @param mode {@code differential} (default) or {@code full}
 * @param parallel files transferred at once (default 4)
 * @param rateLimitMiBps upload limit for this node in MiB/s; 0 (default) for none
 * @param commit write the cluster manifest when done (a one-node cluster); the operator commits
 *     multi-node backups with {@code /v1/backups/{backup}/commit} instead
 * @param keepSnapshot leave the snapshot on the node afterwards
 * @param snapshotOnly take the backup's snapshot and stop: the operator snapshots every node first,
 *     at nearly the same moment, then runs the uploads (which reuse the snapshot) node by node
 * @param owner who runs this backup (the operator sends the CassandraBackup's UID): stamped in the
 *     cluster manifest; a backup of the same name in the location that another owner committed is
 *     refused before any snapshot, so a re-created resource never passes off an old backup as its
 *     own. Null: not checked (the CLI)
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
    Boolean keepSnapshot,
    Boolean snapshotOnly,
    String backup,
    String owner) {

  public BackupOperationRequest {
    mode = mode == null ? "differential" : mode;
    parallel = parallel == null ? 4 : parallel;
    rateLimitMiBps = rateLimitMiBps == null ? 0.0 : rateLimitMiBps;
    commit = commit != null && commit;
    keepSnapshot = keepSnapshot != null && keepSnapshot;
    snapshotOnly = snapshotOnly != null && snapshotOnly;
    backup = backup == null ? name : backup;
  }

  /** A request with the defaults for everything but where and what. */
  public static BackupOperationRequest of(String name, String location, String cluster) {
    return new BackupOperationRequest(
        name, location, cluster, null, null, null, null, null, null, null, null, null);
  }

  public BackupOperationRequest withOwner(String owner) {
    return new BackupOperationRequest(
        name,
        location,
        cluster,
        keyspaces,
        mode,
        parallel,
        rateLimitMiBps,
        commit,
        keepSnapshot,
        snapshotOnly,
        backup,
        owner);
  }

  public BackupOperationRequest withKeyspaces(String globs) {
    return new BackupOperationRequest(
        name,
        location,
        cluster,
        globs,
        mode,
        parallel,
        rateLimitMiBps,
        commit,
        keepSnapshot,
        snapshotOnly,
        backup,
        owner);
  }

  public BackupOperationRequest withRateLimit(double mibPerSecond) {
    return new BackupOperationRequest(
        name,
        location,
        cluster,
        keyspaces,
        mode,
        parallel,
        mibPerSecond,
        commit,
        keepSnapshot,
        snapshotOnly,
        backup,
        owner);
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
        keepSnapshot,
        snapshotOnly,
        backup,
        owner);
  }

  public BackupOperationRequest withSnapshotOnly(boolean only) {
    return new BackupOperationRequest(
        name,
        location,
        cluster,
        keyspaces,
        mode,
        parallel,
        rateLimitMiBps,
        commit,
        keepSnapshot,
        only,
        backup,
        owner);
  }

  public BackupOperationRequest withMode(String backupMode) {
    return new BackupOperationRequest(
        name,
        location,
        cluster,
        keyspaces,
        backupMode,
        parallel,
        rateLimitMiBps,
        commit,
        keepSnapshot,
        snapshotOnly,
        backup,
        owner);
  }

  public BackupOperationRequest withParallel(int files) {
    return new BackupOperationRequest(
        name,
        location,
        cluster,
        keyspaces,
        mode,
        files,
        rateLimitMiBps,
        commit,
        keepSnapshot,
        snapshotOnly,
        backup,
        owner);
  }

  public BackupOperationRequest withBackup(String backupName) {
    return new BackupOperationRequest(
        name,
        location,
        cluster,
        keyspaces,
        mode,
        parallel,
        rateLimitMiBps,
        commit,
        keepSnapshot,
        snapshotOnly,
        backupName,
        owner);
  }
}
