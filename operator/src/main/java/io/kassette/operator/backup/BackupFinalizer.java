package io.kassette.operator.backup;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.kassette.api.ApiError;
import io.kassette.api.DeletionResult;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.operator.ClusterLock;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackupStatus;
import io.kassette.operator.api.DeletionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The finalizer: a deleted backup stops what runs and clears its snapshots; with {@code
 * deletionPolicy: Delete} it also deletes its data through a sidecar, holding the cluster's lock so
 * that no backup, restore or purge of the cluster runs meanwhile, and only its own data: a backup
 * of the same name that another resource committed is left alone. The resource stays until that is
 * done, or until {@code nodeReadyTimeoutSeconds} after the deletion when it cannot be done (no
 * sidecar left: the namespace is being deleted), with a warning naming what stays.
 */
final class BackupFinalizer {
  private BackupFinalizer() {}

  static DeleteControl cleanup(BackupReconciliation r) {
    CassandraBackupStatus status = r.status;
    if (status.getBackupName() == null) {
      r.services.lock().release(r.backup, r.cluster());
      return DeleteControl.defaultDelete();
    }
    if (status.getPhase() != BackupPhase.Succeeded || !status.getMissingNodes().isEmpty()) {
      // Also after a failure: a node busy or down then may hold its snapshot still.
      r.stopAndClearSnapshots();
    }
    if (r.spec().getDeletionPolicy() != DeletionPolicy.Delete) {
      r.services.lock().release(r.backup, r.cluster());
      return DeleteControl.defaultDelete();
    }
    Optional<ClusterLock.Holder> holder = r.services.lock().acquire(r.backup, r.cluster());
    if (holder.isPresent()) {
      r.services
          .events()
          .normal(
              r.backup,
              EventReason.ClusterBusy,
              "data deletion waits for " + holder.get() + " to finish");
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(r.services.poll());
    }
    Pod pod = r.selected().values().stream().filter(ClusterPods::ready).findFirst().orElse(null);
    if (pod == null) {
      return retryOrGiveUp(r, "no Ready sidecar to delete the backup's data through");
    }
    try {
      SidecarClient client = r.client(pod);
      for (String location : locations(r)) {
        DeletionResult result;
        try {
          result =
              client.deleteBackup(
                  status.getBackupName(), location, r.cluster(), r.backup.getMetadata().getUid());
        } catch (SidecarException e) {
          if (e.error() == null || !ApiError.NAME_TAKEN.equals(e.error().reason())) {
            throw e;
          }
          // The name in the bucket is another resource's backup (this one was refused): its data
          // is not this resource's to delete.
          r.services.events().normal(r.backup, EventReason.DataDeleted, e.getMessage());
          continue;
        }
        r.services
            .events()
            .normal(
                r.backup,
                EventReason.DataDeleted,
                "deleted "
                    + result.objects()
                    + " objects ("
                    + ClusterPods.human(result.bytes())
                    + ") of backup "
                    + status.getBackupName()
                    + " from "
                    + location);
      }
      r.services.lock().release(r.backup, r.cluster());
      return DeleteControl.defaultDelete();
    } catch (RuntimeException e) {
      return retryOrGiveUp(r, "could not delete the backup's data: " + NodeOperations.message(e));
    }
  }

  /**
   * Tries again later, or, {@code nodeReadyTimeoutSeconds} after the deletion, lets the resource go
   * and says which data stays.
   */
  private static DeleteControl retryOrGiveUp(BackupReconciliation r, String why) {
    String deleted = r.backup.getMetadata().getDeletionTimestamp();
    boolean overdue =
        deleted != null
            && Duration.between(Instant.parse(deleted), r.now).toSeconds()
                >= r.nodeReadyTimeoutSeconds();
    if (!overdue) {
      r.services.events().warning(r.backup, EventReason.Cleanup, why);
      return DeleteControl.noFinalizerRemoval()
          .rescheduleAfter(r.services.retryBase().multipliedBy(4));
    }
    r.services
        .events()
        .warning(
            r.backup,
            EventReason.Cleanup,
            why
                + "; gave up after "
                + r.nodeReadyTimeoutSeconds()
                + " s: backup "
                + r.status.getBackupName()
                + " stays in "
                + locations(r)
                + " (kassette purge removes what no backup references)");
    r.services.lock().release(r.backup, r.cluster());
    return DeleteControl.defaultDelete();
  }

  private static Set<String> locations(BackupReconciliation r) {
    Set<String> locations = new LinkedHashSet<>();
    r.status
        .getNodes()
        .forEach(
            n -> {
              if (n.getLocation() != null) {
                locations.add(n.getLocation());
              }
            });
    if (locations.isEmpty()) {
      if (r.spec().getLocation() != null) {
        locations.add(r.spec().getLocation());
      }
      if (r.spec().getDatacenterLocations() != null) {
        locations.addAll(r.spec().getDatacenterLocations().values());
      }
    }
    return locations;
  }
}
