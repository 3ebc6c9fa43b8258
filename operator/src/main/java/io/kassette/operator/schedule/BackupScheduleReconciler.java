package io.kassette.operator.schedule;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.EventReason;
import io.kassette.operator.NodeOperations;
import io.kassette.operator.OperatorServices;
import io.kassette.operator.Reconciliations;
import io.kassette.operator.TokenSecrets;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupScheduleStatus;
import io.kassette.operator.api.CassandraBackup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a BackupSchedule: observe (its CassandraBackups, from an informer) → validate (the spec) →
 * act (record what finished, {@link ScheduleRetention} after a success, {@link ScheduleHistory},
 * then {@link ScheduleRuns} starts or skips the run that fell due).
 *
 * <p>Runs are CassandraBackups named from the schedule and the run's scheduled time, so creating
 * one is idempotent: an operator that restarts between creating a run and recording it finds the
 * name taken by its own backup and creates nothing. {@code status.nextScheduleTime} is the one
 * pointer to the next run; every clock read goes through the injected clock.
 */
@ControllerConfiguration(
    name = "backupschedule",
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 5, timeUnit = TimeUnit.MINUTES))
public final class BackupScheduleReconciler
    implements Reconciler<BackupSchedule>, Cleaner<BackupSchedule> {
  private final KubernetesClient kubernetes;
  private final OperatorServices services;
  private final Duration idleCheck;
  private InformerEventSource<CassandraBackup, BackupSchedule> backups;
  private ClusterPods pods;

  /**
   * @param kubernetes creates and deletes the schedule's CassandraBackups
   * @param idleCheck the longest wait between looks when nothing runs (clock changes, missed
   *     events)
   */
  public BackupScheduleReconciler(
      KubernetesClient kubernetes, OperatorServices services, Duration idleCheck) {
    this.kubernetes = kubernetes;
    this.services = services;
    this.idleCheck = idleCheck;
  }

  @Override
  public List<EventSource<?, BackupSchedule>> prepareEventSources(
      EventSourceContext<BackupSchedule> context) {
    // A run that finishes (or goes) wakes its schedule, through its owner reference.
    this.backups =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(CassandraBackup.class, BackupSchedule.class)
                .withName("backups")
                .withNamespacesInheritedFromController()
                .withLabelSelector(BackupSchedule.LABEL)
                .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(BackupSchedule.class))
                .build(),
            context);
    InformerEventSource<Pod, BackupSchedule> podSource =
        ClusterPods.eventSource(
            context,
            BackupSchedule.class,
            s ->
                s.getSpec() == null || s.getSpec().getBackupTemplate() == null
                    ? null
                    : s.getSpec().getBackupTemplate().getCluster());
    this.pods = ClusterPods.of(podSource);
    return List.of(backups, podSource);
  }

  @Override
  public UpdateControl<BackupSchedule> reconcile(
      BackupSchedule schedule, Context<BackupSchedule> context) {
    BackupScheduleStatus status =
        schedule.getStatus() == null ? new BackupScheduleStatus() : schedule.getStatus();
    schedule.setStatus(status);
    String before = Reconciliations.fingerprint(status);
    ScheduleReconciliation r =
        new ScheduleReconciliation(schedule, status, observe(schedule), services, kubernetes, pods);
    List<String> problems = ScheduleSpecValidator.problems(schedule);
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      services.events().warning(schedule, EventReason.InvalidSpec, message);
      r.condition(ScheduleReconciliation.READY, false, "InvalidSpec", message);
      ScheduleRetention.abandon(r, "the spec is invalid: " + message);
      status.setNextScheduleTime(null);
      status.setObservedGeneration(r.generation());
      return Reconciliations.patchIfChanged(schedule, before, status, false, services.poll());
    }
    CronSchedule cron =
        CronSchedule.parse(schedule.getSpec().getSchedule(), schedule.getSpec().getTimeZone());
    record(r);
    boolean purging = false;
    Instant next;
    try {
      purging = ScheduleRetention.run(r);
      ScheduleHistory.trim(r);
      next = ScheduleRuns.schedule(r, cron, services.poll());
    } catch (TokenSecrets.SecretUnavailableException | KubernetesClientException e) {
      services.events().warning(schedule, EventReason.ApiError, NodeOperations.message(e));
      return Reconciliations.patchIfChanged(schedule, before, status, true, services.retryBase());
    }
    boolean suspended = Boolean.TRUE.equals(schedule.getSpec().getSuspend());
    r.condition(
        ScheduleReconciliation.READY,
        true,
        suspended ? "Suspended" : "Scheduled",
        suspended
            ? "spec.suspend is true: no runs are created"
            : "next run at " + status.getNextScheduleTime() + " (" + cron + ")");
    status.setObservedGeneration(r.generation());

    Duration wait = next == null ? idleCheck : Duration.between(services.clock().instant(), next);
    if (!status.getActive().isEmpty() || purging) {
      wait = min(wait, services.poll());
    }
    wait = min(wait, idleCheck);
    if (wait.isNegative() || wait.isZero()) {
      wait = Duration.ofMillis(100);
    }
    return Reconciliations.patchIfChanged(schedule, before, status, true, wait);
  }

  /**
   * A schedule deleted while its purge runs: the purge operations are cancelled before the schedule
   * (and the cluster's lock it holds) goes, so no backup can start while a sweep runs.
   */
  @Override
  public DeleteControl cleanup(BackupSchedule schedule, Context<BackupSchedule> context) {
    BackupScheduleStatus status =
        schedule.getStatus() == null ? new BackupScheduleStatus() : schedule.getStatus();
    if (schedule.getSpec() == null || schedule.getSpec().getBackupTemplate() == null) {
      return DeleteControl.defaultDelete();
    }
    ScheduleReconciliation r =
        new ScheduleReconciliation(
            schedule,
            status,
            new ScheduleReconciliation.Observed(List.of(), List.of(), List.of(), List.of()),
            services,
            kubernetes,
            pods);
    if (!ScheduleRetention.abandon(r, "the schedule was deleted")) {
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(services.poll());
    }
    return DeleteControl.defaultDelete();
  }

  /** What escaped a reconciliation becomes an Event and a short requeue. */
  @Override
  public ErrorStatusUpdateControl<BackupSchedule> updateErrorStatus(
      BackupSchedule schedule, Context<BackupSchedule> context, Exception e) {
    services
        .events()
        .warning(
            schedule,
            EventReason.ApiError,
            "the last reconciliation failed and is retried: " + NodeOperations.message(e));
    return ErrorStatusUpdateControl.<BackupSchedule>noStatusUpdate()
        .rescheduleAfter(services.retryBase());
  }

  // ---- Observe ------------------------------------------------------------------------------

  private ScheduleReconciliation.Observed observe(BackupSchedule schedule) {
    String uid = schedule.getMetadata().getUid();
    String ns = schedule.getMetadata().getNamespace();
    Stream<CassandraBackup> candidates =
        backups != null
            ? backups.list(ns)
            // Driven without its event sources (a test calling reconcile directly): the API.
            : kubernetes
                .resources(CassandraBackup.class)
                .inNamespace(ns)
                .withLabel(BackupSchedule.LABEL, schedule.getMetadata().getName())
                .list()
                .getItems()
                .stream();
    List<CassandraBackup> owned =
        candidates
            .filter(b -> schedule.getMetadata().getName().equals(label(b)))
            .filter(
                b ->
                    b.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> uid.equals(o.getUid())))
            .sorted(Comparator.comparing(BackupScheduleReconciler::scheduledTime).reversed())
            .toList();
    List<CassandraBackup> active = new ArrayList<>();
    List<CassandraBackup> deleting = new ArrayList<>();
    List<CassandraBackup> succeeded = new ArrayList<>();
    List<CassandraBackup> failed = new ArrayList<>();
    for (CassandraBackup b : owned) {
      BackupPhase phase = b.getStatus() == null ? null : b.getStatus().getPhase();
      if (phase == BackupPhase.Succeeded) {
        succeeded.add(b);
      } else if (phase == BackupPhase.Failed) {
        failed.add(b);
      } else if (b.getMetadata().getDeletionTimestamp() == null) {
        active.add(b);
      } else {
        deleting.add(b);
      }
    }
    return new ScheduleReconciliation.Observed(active, deleting, succeeded, failed);
  }

  private static String label(CassandraBackup b) {
    return b.getMetadata().getLabels() == null
        ? null
        : b.getMetadata().getLabels().get(BackupSchedule.LABEL);
  }

  private static String scheduledTime(CassandraBackup b) {
    String at =
        b.getMetadata().getAnnotations() == null
            ? null
            : b.getMetadata().getAnnotations().get(BackupSchedule.SCHEDULED_TIME);
    return at != null ? at : String.valueOf(b.getMetadata().getCreationTimestamp());
  }

  /** What finished: the active runs and the last success. */
  private static void record(ScheduleReconciliation r) {
    r.status.setActive(r.seen.active().stream().map(b -> b.getMetadata().getName()).toList());
    CassandraBackup newest = r.seen.newestSucceeded();
    if (newest != null) {
      r.status.setLastSuccessfulBackup(newest.getMetadata().getName());
      r.status.setLastSuccessfulTime(newest.getStatus().getCompletionTime());
    }
  }

  /** {@code <schedule>-<yyyyMMdd-HHmm>} in UTC, so the same run always has the same name. */
  public static String runName(BackupSchedule schedule, Instant run) {
    return ScheduleRuns.runName(schedule, run);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
