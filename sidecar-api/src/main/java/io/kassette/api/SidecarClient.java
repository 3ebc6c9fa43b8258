package io.kassette.api;

import java.util.List;

/**
 * What the operator asks of one pod's agent ({@code /v1}). Every call is safe to repeat: starting
 * an operation that exists returns it, pausing a paused one returns it.
 */
public interface SidecarClient {

  NodeDescription node();

  Operation startBackup(BackupOperationRequest request);

  Operation startRestore(RestoreOperationRequest request);

  /** Starts retention as an operation ({@code request.name()} is its key). */
  Operation startPurge(PurgeRequest request);

  /** Throws a {@link SidecarException} with {@code notFound()} for an unknown name. */
  Operation get(OperationKind kind, String name);

  Operation pause(OperationKind kind, String name);

  Operation resume(OperationKind kind, String name);

  Operation cancel(OperationKind kind, String name);

  /** Every operation the agent remembers, newest first. */
  List<Operation> operations();

  BackupListing backups(String location, String cluster, boolean includeIncomplete);

  CommitResult commit(String backup, CommitRequest request);

  /** Deletes a backup's data from a location (commit marker first); harmless when repeated. */
  DeletionResult deleteBackup(String backup, String location, String cluster);

  /** Retention: deletes expired backups and sweeps what nothing references any more. */
  PurgeResult purge(PurgeRequest request);

  /** Clears a snapshot Kassette took ({@code kassette-<backup>}) on this node. */
  void clearSnapshot(String tag);
}
