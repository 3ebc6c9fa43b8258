package io.kassette.operator.restore;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.OperatorServices;
import io.kassette.operator.Reconciliations;
import io.kassette.operator.TokenSecrets;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraRestore;
import io.kassette.operator.api.CassandraRestoreStatus;
import io.kassette.operator.api.RestorePhase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Restores a backup into a cluster, online, from one CassandraRestore: observe (the pods and the
 * referenced CassandraBackup from informers, the ring, the sidecar operations) → validate (the
 * spec) → act, one step of the phase per reconciliation ({@link RestorePending}, {@link
 * RestoreSteps}, {@link RestoreSuspension}; the finalizer is {@link RestoreFinalizer}). The steps
 * run through the sidecars as separate operations named from the resource's name and UID: validate
 * on every node, schema once, download on every node, truncate once (only after every node holds
 * its verified files), import on every node. Each is started once and then followed, so a restarted
 * operator never truncates twice, and a finished restore is never run again.
 */
@ControllerConfiguration(
    name = "cassandrarestore",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public final class CassandraRestoreReconciler
    implements Reconciler<CassandraRestore>, Cleaner<CassandraRestore> {
  private final OperatorServices services;
  private ClusterPods pods;
  private InformerEventSource<CassandraBackup, CassandraRestore> backups;

  public CassandraRestoreReconciler(OperatorServices services) {
    this.services = services;
  }

  @Override
  public List<EventSource<?, CassandraRestore>> prepareEventSources(
      EventSourceContext<CassandraRestore> context) {
    InformerEventSource<Pod, CassandraRestore> podSource =
        ClusterPods.eventSource(
            context,
            CassandraRestore.class,
            r -> r.getSpec() == null ? null : r.getSpec().getCluster());
    this.pods = ClusterPods.of(podSource);
    // A restore of a backupRef is woken when that CassandraBackup changes.
    this.backups =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(CassandraBackup.class, CassandraRestore.class)
                .withName("backups")
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(
                    b ->
                        context
                            .getPrimaryCache()
                            .list(
                                b.getMetadata().getNamespace(),
                                r ->
                                    r.getSpec() != null
                                        && b.getMetadata()
                                            .getName()
                                            .equals(r.getSpec().getBackupRef()))
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .build(),
            context);
    return List.of(podSource, backups);
  }

  @Override
  public UpdateControl<CassandraRestore> reconcile(
      CassandraRestore restore, Context<CassandraRestore> context) {
    CassandraRestoreStatus status =
        restore.getStatus() == null ? new CassandraRestoreStatus() : restore.getStatus();
    restore.setStatus(status);
    String before = Reconciliations.fingerprint(status);
    if (status.getPhase() == null) {
      status.setPhase(RestorePhase.Pending);
    }
    RestoreReconciliation r = new RestoreReconciliation(restore, status, services, pods);
    Duration next = services.poll();
    if (!status.getPhase().finished()) {
      try {
        // A paused resource runs nothing: it is validated again when it resumes.
        List<String> problems = RestoreSpecValidator.problems(restore.getSpec());
        if (!problems.isEmpty() && status.getPhase() != RestorePhase.Paused) {
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
    status.setObservedGeneration(restore.getMetadata().getGeneration());
    r.summarize();
    return Reconciliations.patchIfChanged(
        restore, before, status, !status.getPhase().finished(), next);
  }

  private void act(RestoreReconciliation r) {
    boolean suspend = Boolean.TRUE.equals(r.spec().getSuspend());
    switch (r.status.getPhase()) {
      case Pending ->
          RestorePending.run(
              r, name -> backups.get(new ResourceID(name, r.namespace())).orElse(null));
      case Validating -> RestoreSteps.validate(r);
      case RestoringSchema -> RestoreSteps.once(r, "schema", RestorePhase.Downloading);
      case Downloading -> {
        if (suspend) {
          RestoreSuspension.pause(r);
        } else {
          RestoreSteps.perNode(r, "download", "Downloading", "Downloaded");
        }
      }
      case Truncating -> RestoreSteps.once(r, "truncate", RestorePhase.Importing);
      case Importing -> RestoreSteps.perNode(r, "import", "Importing", "Imported");
      case Paused -> {
        if (!suspend) {
          RestoreSuspension.resume(r);
        }
      }
      default -> {
        // Succeeded and Failed are final
      }
    }
  }

  @Override
  public DeleteControl cleanup(CassandraRestore restore, Context<CassandraRestore> context) {
    CassandraRestoreStatus status =
        restore.getStatus() == null ? new CassandraRestoreStatus() : restore.getStatus();
    try {
      return RestoreFinalizer.cleanup(new RestoreReconciliation(restore, status, services, pods));
    } catch (RuntimeException e) {
      services
          .events()
          .warning(restore, EventReason.Cleanup, "cleanup failed: " + NodeOperations.message(e));
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(services.retryBase());
    }
  }

  /** What escaped a reconciliation becomes a condition and a short requeue. */
  @Override
  public ErrorStatusUpdateControl<CassandraRestore> updateErrorStatus(
      CassandraRestore restore, Context<CassandraRestore> context, Exception e) {
    CassandraRestoreStatus status =
        restore.getStatus() == null ? new CassandraRestoreStatus() : restore.getStatus();
    restore.setStatus(status);
    new RestoreReconciliation(restore, status, services, pods)
        .condition(
            RestoreReconciliation.WAITING,
            true,
            "ReconcileError",
            "the last reconciliation failed and is retried: " + NodeOperations.message(e));
    return ErrorStatusUpdateControl.patchStatus(Reconciliations.statusOnly(restore))
        .rescheduleAfter(services.retryBase());
  }
}
