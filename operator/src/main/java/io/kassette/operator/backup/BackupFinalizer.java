package io.kassette.operator.backup;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.kassette.api.SidecarClient;
import io.kassette.operator.ClusterLock;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.api.CassandraBackupStatus;
import io.kassette.operator.api.DeletionPolicy;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The finalizer: a deleted backup stops what runs and clears its snapshots; with {@code
 * deletionPolicy: Delete} it also deletes its data through a sidecar, holding the cluster's lock so
 * that no backup, restore or purge of the cluster runs meanwhile. The resource stays until that is
 * done.
 */
final class BackupFinalizer {
  private BackupFinalizer() {}

  static DeleteControl cleanup(BackupReconciliation r) {
    CassandraBackupStatus status = r.status;
    if (status.getBackupName() == null) {
      r.services.lock().release(r.backup, r.cluster());
      return DeleteControl.defaultDelete();
    }
    if (status.getPhase() != null && !status.getPhase().finished()) {
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
      r.services
          .events()
          .warning(
              r.backup,
              EventReason.Waiting,
              "no Ready sidecar to delete the backup's data through");
      return DeleteControl.noFinalizerRemoval()
          .rescheduleAfter(r.services.retryBase().multipliedBy(4));
    }
    try {
      SidecarClient client = r.client(pod);
      for (String location : locations(r)) {
        var result = client.deleteBackup(status.getBackupName(), location, r.cluster());
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
      r.services
          .events()
          .warning(
              r.backup,
              EventReason.Cleanup,
              "could not delete the backup's data: " + NodeOperations.message(e));
      return DeleteControl.noFinalizerRemoval()
          .rescheduleAfter(r.services.retryBase().multipliedBy(4));
    }
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
