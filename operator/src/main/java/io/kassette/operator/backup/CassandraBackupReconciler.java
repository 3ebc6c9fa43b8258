package io.kassette.operator.backup;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.OperatorServices;
import io.kassette.operator.Reconciliations;
import io.kassette.operator.TokenSecrets;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraBackupStatus;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Backs up a whole cluster from one CassandraBackup: observe (the pods, from an informer; the ring
 * and the sidecar operations) → validate (the spec) → act (one step of the phase: {@link
 * BackupPending}, {@link BackupTransfers}, {@link BackupCommit}, {@link BackupSuspension}; the
 * finalizer is {@link BackupFinalizer}). Everything needed to continue is in the status and the
 * cluster's Lease, so a restarted operator picks up where it was: sidecar operations are keyed by a
 * name derived from the resource's name and UID, started once and then only followed.
 *
 * <p>The phase moves only through {@link BackupReconciliation#moveTo}, which refuses what {@link
 * BackupPhase} does not list.
 */
@ControllerConfiguration(
    name = "cassandrabackup",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public final class CassandraBackupReconciler
    implements Reconciler<CassandraBackup>, Cleaner<CassandraBackup> {
  private final OperatorServices services;
  private ClusterPods pods;

  public CassandraBackupReconciler(OperatorServices services) {
    for (BackupPhase end : List.of(BackupPhase.Succeeded, BackupPhase.Failed)) {
      services
          .metrics()
          .counter("kassette.operator.backups", "outcome", end.name().toLowerCase(Locale.ROOT));
    }
    this.services = services;
  }

  @Override
  public List<EventSource<?, CassandraBackup>> prepareEventSources(
      EventSourceContext<CassandraBackup> context) {
    InformerEventSource<Pod, CassandraBackup> podSource =
        ClusterPods.eventSource(
            context,
            CassandraBackup.class,
            b -> b.getSpec() == null ? null : b.getSpec().getCluster());
    this.pods = ClusterPods.of(podSource);
    return List.of(podSource);
  }

  @Override
  public UpdateControl<CassandraBackup> reconcile(
      CassandraBackup backup, Context<CassandraBackup> context) {
    CassandraBackupStatus status =
        backup.getStatus() == null ? new CassandraBackupStatus() : backup.getStatus();
    backup.setStatus(status);
    String before = Reconciliations.fingerprint(status);
    if (status.getPhase() == null) {
      status.setPhase(BackupPhase.Pending);
    }
    BackupReconciliation r = new BackupReconciliation(backup, status, services, pods);
    Duration next = services.poll();
    if (!status.getPhase().finished()) {
      try {
        // A paused resource runs nothing: it is validated again when it resumes.
        List<String> problems = BackupSpecValidator.problems(backup.getSpec());
        if (!problems.isEmpty() && status.getPhase() != BackupPhase.Paused) {
          r.fail("InvalidSpec", String.join("; ", problems));
        } else {
          act(r);
        }
      } catch (TokenSecrets.SecretUnavailableException e) {
        r.waiting("SecretUnavailable", EventReason.Waiting, e.getMessage());
      } catch (KubernetesClientException e) {
        r.waiting("ApiError", EventReason.ApiError, "the Kubernetes API failed: " + e.getMessage());
        next = services.retryBase();
      }
    }
    status.setObservedGeneration(backup.getMetadata().getGeneration());
    BackupStatusSummary.summarize(status);
    return Reconciliations.patchIfChanged(
        backup, before, status, !status.getPhase().finished(), next);
  }

  /** The one step this reconciliation takes, by phase. */
  private static void act(BackupReconciliation r) {
    boolean suspend = Boolean.TRUE.equals(r.spec().getSuspend());
    switch (r.status.getPhase()) {
      case Pending, Snapshotting, Uploading -> {
        if (suspend) {
          BackupSuspension.pause(r);
        } else if (r.status.getPhase() == BackupPhase.Pending) {
          BackupPending.run(r);
        } else if (r.status.getPhase() == BackupPhase.Snapshotting) {
          BackupTransfers.snapshot(r);
        } else {
          BackupTransfers.upload(r);
        }
      }
      case Committing -> BackupCommit.run(r);
      case Paused -> {
        if (!suspend) {
          BackupSuspension.resume(r);
        }
      }
      default -> {
        // Succeeded and Failed are final
      }
    }
  }

  @Override
  public DeleteControl cleanup(CassandraBackup backup, Context<CassandraBackup> context) {
    CassandraBackupStatus status =
        backup.getStatus() == null ? new CassandraBackupStatus() : backup.getStatus();
    try {
      return BackupFinalizer.cleanup(new BackupReconciliation(backup, status, services, pods));
    } catch (RuntimeException e) {
      services
          .events()
          .warning(backup, EventReason.Cleanup, "cleanup failed: " + NodeOperations.message(e));
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(services.retryBase());
    }
  }

  /**
   * What escaped a reconciliation (the API unreachable while patching, say) becomes a condition and
   * a short requeue, instead of JOSDK's retries followed by hours of silence.
   */
  @Override
  public ErrorStatusUpdateControl<CassandraBackup> updateErrorStatus(
      CassandraBackup backup, Context<CassandraBackup> context, Exception e) {
    CassandraBackupStatus status =
        backup.getStatus() == null ? new CassandraBackupStatus() : backup.getStatus();
    backup.setStatus(status);
    new BackupReconciliation(backup, status, services, pods)
        .condition(
            BackupReconciliation.WAITING,
            true,
            "ReconcileError",
            "the last reconciliation failed and is retried: " + NodeOperations.message(e));
    return ErrorStatusUpdateControl.patchStatus(Reconciliations.statusOnly(backup))
        .rescheduleAfter(services.retryBase());
  }

  /** The sidecar operation's name: the resource's name and UID, so a re-sent call finds it. */
  public static String operationName(CassandraBackup backup, String suffix) {
    return ClusterPods.operationName(backup, suffix);
  }

  public static String manifestUri(String location, String cluster, String backup) {
    return BackupCommit.manifestUri(location, cluster, backup);
  }
}
