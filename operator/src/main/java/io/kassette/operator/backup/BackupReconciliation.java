package io.kassette.operator.backup;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.kassette.api.OperationKind;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.Conditions;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.OperatorServices;
import io.kassette.operator.ResourceReconciliation;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.CassandraBackupStatus;
import io.kassette.operator.api.ClusterRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reconciliation of one CassandraBackup: the resource, its status being built, the time, the
 * pods, and the one place where its phase changes ({@link #moveTo}).
 */
final class BackupReconciliation extends ResourceReconciliation<CassandraBackup> {
  private static final Logger LOG = LoggerFactory.getLogger(BackupReconciliation.class);

  final CassandraBackup backup;
  final CassandraBackupStatus status;

  BackupReconciliation(
      CassandraBackup backup,
      CassandraBackupStatus status,
      OperatorServices services,
      ClusterPods pods) {
    super(backup, services, pods);
    this.backup = backup;
    this.status = status;
  }

  @Override
  protected ClusterRef clusterRef() {
    return backup.getSpec().getCluster();
  }

  @Override
  protected List<Condition> conditions() {
    return status.getConditions();
  }

  CassandraBackupSpec spec() {
    return backup.getSpec();
  }

  int backoffLimit() {
    return spec().getBackoffLimit() == null ? 3 : spec().getBackoffLimit();
  }

  long nodeReadyTimeoutSeconds() {
    return spec().getNodeReadyTimeoutSeconds() == null ? 600 : spec().getNodeReadyTimeoutSeconds();
  }

  /** The one place the phase changes; every change is an Event, and only allowed ones happen. */
  void moveTo(BackupPhase phase, EventReason reason, String message) {
    BackupPhase from = status.getPhase();
    if (!from.canMoveTo(phase)) {
      throw new IllegalStateException("a backup cannot move from " + from + " to " + phase);
    }
    status.setPhase(phase);
    if (phase.finished()) {
      services
          .metrics()
          .counter("kassette.operator.backups", "outcome", phase.name().toLowerCase(Locale.ROOT))
          .increment();
      services.lock().release(backup, cluster());
    }
    if (phase == BackupPhase.Snapshotting || phase == BackupPhase.Uploading) {
      condition(PROGRESSING, true, phase.name(), message);
    }
    if (phase == BackupPhase.Failed) {
      services.events().warning(backup, reason, message);
    } else {
      services.events().normal(backup, reason, message);
    }
    LOG.info(
        "[{}/{}] {} → {}: {}", namespace(), backup.getMetadata().getName(), from, phase, message);
  }

  /** Fails the backup: conditions, the phase, then its operations stopped and snapshots cleared. */
  void fail(String reason, String message) {
    status.setCompletionTime(now.toString());
    condition(FAILED, true, reason, message);
    condition(READY, false, reason, "the backup is not restorable");
    condition(PROGRESSING, false, reason, "");
    Conditions.clear(status.getConditions(), WAITING);
    moveTo(
        BackupPhase.Failed,
        "InvalidSpec".equals(reason) ? EventReason.InvalidSpec : EventReason.Failed,
        message);
    stopAndClearSnapshots();
  }

  /** Cancels what runs and clears the snapshot on every Ready node; names the others. */
  List<String> stopAndClearSnapshots() {
    List<String> unreachable = new ArrayList<>();
    if (status.getBackupName() == null) {
      return unreachable;
    }
    List<String> pods = new ArrayList<>();
    status.getNodes().forEach(n -> pods.add(n.getPod()));
    // A node left out during the transfers may hold the snapshot it took before it went down.
    status.getMissingNodes().forEach(m -> pods.add(m.getPod()));
    for (String name : pods) {
      Pod pod = name == null ? null : selected().get(name);
      if (!ClusterPods.ready(pod)) {
        if (name != null) {
          unreachable.add(name);
        }
        continue;
      }
      try {
        SidecarClient client = client(pod);
        for (String suffix : List.of("snapshot", "upload")) {
          try {
            client.cancel(OperationKind.BACKUP, operationName(suffix));
          } catch (SidecarException e) {
            if (!e.notFound() && !e.conflict()) {
              throw e;
            }
          }
        }
        client.clearSnapshot("kassette-" + status.getBackupName());
      } catch (RuntimeException e) {
        unreachable.add(name);
        LOG.warn(
            "could not clean up {} on {}: {}",
            status.getBackupName(),
            name,
            NodeOperations.message(e));
      }
    }
    if (!unreachable.isEmpty()) {
      services
          .events()
          .warning(
              backup,
              EventReason.Cleanup,
              "snapshot kassette-" + status.getBackupName() + " may remain on " + unreachable);
    }
    return unreachable;
  }

  static String locationFor(CassandraBackupSpec spec, String datacenter) {
    if (spec.getDatacenterLocations() != null
        && spec.getDatacenterLocations().containsKey(datacenter)) {
      return spec.getDatacenterLocations().get(datacenter);
    }
    return spec.getLocation();
  }
}
