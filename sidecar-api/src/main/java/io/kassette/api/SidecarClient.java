package io.kassette.api;

import java.util.List;

/**
 * What the operator asks of one pod's agent ({@code /v1}). Every call is safe to repeat: starting
 * an operation that exists returns it, pausing a paused one returns it.
 */
public interface SidecarClient {

  NodeDescription node();

  /**
   * The ring as this node sees it, with the replica sets of the keyspaces {@code keyspaces} selects
   * (globs as in a backup; null for every user keyspace).
   */
  Ring ring(String keyspaces);

  Operation startBackup(BackupOperationRequest request);

  Operation startRestore(RestoreOperationRequest request);

  /** Starts retention as an operation ({@code request.name()} is its key). */
  Operation startPurge(PurgeRequest request);

  /** Throws a {@link SidecarException} with {@code notFound()} for an unknown name. */
  Operation get(OperationKind kind, String name);

  Operation pause(OperationKind kind, String name);

  Operation resume(OperationKind kind, String name);

  Operation cancel(OperationKind kind, String name);

  /**
   * Changes the transfer rate limit of an operation while it runs (or for when it resumes); 0 for
   * none. The request the agent keeps is updated, so a later identical start still matches.
   */
  Operation setRateLimit(OperationKind kind, String name, double mibPerSecond);

  /** Every operation the agent remembers, newest first. */
  List<Operation> operations();

  BackupListing backups(String location, String cluster, boolean includeIncomplete);

  CommitResult commit(String backup, CommitRequest request);

  /**
   * Deletes a backup's data from a location (commit marker first); harmless when repeated. With an
   * {@code owner}, a backup that another owner committed is left alone ({@code 409} NameTaken).
   */
  DeletionResult deleteBackup(String backup, String location, String cluster, String owner);

  /** Retention: deletes expired backups and sweeps what nothing references any more. */
  PurgeResult purge(PurgeRequest request);

  /** Clears a snapshot Kassette took ({@code kassette-<backup>}) on this node. */
  void clearSnapshot(String tag);
}
