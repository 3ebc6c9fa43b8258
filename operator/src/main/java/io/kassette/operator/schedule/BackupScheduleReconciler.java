package io.kassette.operator.schedule;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.OperationState;
import io.kassette.api.PurgeRequest;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.operator.ClusterPods;
import io.kassette.operator.Conditions;
import io.kassette.operator.EventReason;
import io.kassette.operator.EventRecorder;
import io.kassette.operator.Reconciliations;
import io.kassette.operator.SidecarConnector;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupScheduleSpec;
import io.kassette.operator.api.BackupScheduleStatus;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.ConcurrencyPolicy;
import io.kassette.operator.api.LocationPurgeStatus;
import io.kassette.operator.api.NodeBackupStatus;
import io.kassette.operator.api.PurgeState;
import io.kassette.operator.api.PurgeStatus;
import io.kassette.operator.api.RetentionPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a BackupSchedule: observe (its CassandraBackups) → validate (the spec) → act (record what
 * finished, purge after a success, trim history, start or skip the run that fell due).
 *
 * <p>Runs are CassandraBackups named from the schedule and the run's scheduled time, so creating
 * one is idempotent: an operator that restarts between creating a run and recording it finds the
 * name taken by its own backup and creates nothing. {@code status.nextScheduleTime} is the one
 * pointer to the next run; every clock read goes through the injected {@link Clock}.
 */
@ControllerConfiguration(name = "backupschedule")
public final class BackupScheduleReconciler implements Reconciler<BackupSchedule> {
  private static final Logger LOG = LoggerFactory.getLogger(BackupScheduleReconciler.class);
  static final String READY = "Ready";
  static final String RETENTION_FAILED = "RetentionFailed";
  static final int PURGE_ATTEMPTS = 3;
  private static final DateTimeFormatter RUN_SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

  private final KubernetesClient kubernetes;
  private final ClusterPods pods;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration poll;
  private final Duration idleCheck;
  private final Duration retryBase;

  /**
   * @param poll how often the schedule is looked at while a backup or a purge of it runs
   * @param idleCheck the longest wait between looks otherwise (clock changes, missed events)
   * @param retryBase the first backoff of a failed purge, doubled on every further failure
   */
  public BackupScheduleReconciler(
      KubernetesClient kubernetes,
      SidecarConnector sidecars,
      EventRecorder events,
      Clock clock,
      Duration poll,
      Duration idleCheck,
      Duration retryBase) {
    this.kubernetes = kubernetes;
    this.pods = new ClusterPods(kubernetes, sidecars);
    this.events = events;
    this.clock = clock;
    this.poll = poll;
    this.idleCheck = idleCheck;
    this.retryBase = retryBase;
  }

  /** What the schedule's own CassandraBackups are doing; observing never changes anything. */
  record Observed(
      List<CassandraBackup> active,
      List<CassandraBackup> deleting,
      List<CassandraBackup> succeeded,
      List<CassandraBackup> failed) {
    boolean has(String name) {
      return Stream.of(active, deleting, succeeded, failed)
          .flatMap(List::stream)
          .anyMatch(b -> name.equals(b.getMetadata().getName()));
    }

    CassandraBackup newestSucceeded() {
      return succeeded.isEmpty() ? null : succeeded.get(0);
    }
  }

  @Override
  public UpdateControl<BackupSchedule> reconcile(
      BackupSchedule schedule, Context<BackupSchedule> context) {
    BackupScheduleStatus status =
        schedule.getStatus() == null ? new BackupScheduleStatus() : schedule.getStatus();
    schedule.setStatus(status);
    String before = Reconciliations.fingerprint(status);
    Instant now = clock.instant();

    Observed seen = observe(schedule);
    List<String> problems = ScheduleSpecValidator.problems(schedule);
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      if (!message.equals(readyMessage(status))) {
        events.warning(schedule, EventReason.InvalidSpec, message);
      }
      Conditions.set(
          status.getConditions(), READY, false, "InvalidSpec", message, generation(schedule));
      status.setNextScheduleTime(null);
      status.setObservedGeneration(generation(schedule));
      return Reconciliations.patchIfChanged(schedule, before, status, false, poll);
    }
    BackupScheduleSpec spec = schedule.getSpec();
    CronSchedule cron = CronSchedule.parse(spec.getSchedule(), spec.getTimeZone());

    record(status, seen);
    boolean purging = retention(schedule, status, seen, now);
    trimHistory(schedule, seen);
    Instant next = schedule(schedule, status, seen, cron, now);

    boolean suspended = Boolean.TRUE.equals(spec.getSuspend());
    Conditions.set(
        status.getConditions(),
        READY,
        true,
        suspended ? "Suspended" : "Scheduled",
        suspended
            ? "spec.suspend is true: no runs are created"
            : "next run at " + status.getNextScheduleTime() + " (" + cron + ")",
        generation(schedule));
    status.setObservedGeneration(generation(schedule));

    Duration wait = next == null ? idleCheck : Duration.between(clock.instant(), next);
    if (!status.getActive().isEmpty() || purging) {
      wait = min(wait, poll);
    }
    wait = min(wait, idleCheck);
    if (wait.isNegative() || wait.isZero()) {
      wait = Duration.ofMillis(100);
    }
    return Reconciliations.patchIfChanged(schedule, before, status, true, wait);
  }

  // ---- Observe ------------------------------------------------------------------------------

  private Observed observe(BackupSchedule schedule) {
    String uid = schedule.getMetadata().getUid();
    List<CassandraBackup> owned =
        kubernetes
            .resources(CassandraBackup.class)
            .inNamespace(schedule.getMetadata().getNamespace())
            .withLabel(BackupSchedule.LABEL, schedule.getMetadata().getName())
            .list()
            .getItems()
            .stream()
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
    return new Observed(active, deleting, succeeded, failed);
  }

  private static String scheduledTime(CassandraBackup b) {
    String at = b.getMetadata().getAnnotations().get(BackupSchedule.SCHEDULED_TIME);
    return at != null ? at : String.valueOf(b.getMetadata().getCreationTimestamp());
  }

  /** What finished: the active runs and the last success. */
  private static void record(BackupScheduleStatus status, Observed seen) {
    status.setActive(seen.active().stream().map(b -> b.getMetadata().getName()).toList());
    CassandraBackup newest = seen.newestSucceeded();
    if (newest != null) {
      status.setLastSuccessfulBackup(newest.getMetadata().getName());
      status.setLastSuccessfulTime(newest.getStatus().getCompletionTime());
    }
  }

  // ---- Scheduling ----------------------------------------------------------------------------

  /** Starts, skips or waits for the run that fell due; returns when to look next. */
  private Instant schedule(
      BackupSchedule schedule,
      BackupScheduleStatus status,
      Observed seen,
      CronSchedule cron,
      Instant now) {
    BackupScheduleSpec spec = schedule.getSpec();
    boolean specChanged = !Objects.equals(status.getObservedGeneration(), generation(schedule));
    Instant pending =
        specChanged || status.getNextScheduleTime() == null
            ? cron.next(anchor(schedule, status, now)).orElse(null)
            : Instant.parse(status.getNextScheduleTime());
    if (pending == null) {
      status.setNextScheduleTime(null);
      return null; // an expression that never fires again (a date in the past)
    }
    if (pending.isAfter(now)) {
      status.setNextScheduleTime(pending.toString());
      return pending;
    }
    CronSchedule.Runs due = cron.runs(pending.minusNanos(1), now);
    Instant run = due.last().orElse(pending);
    if (due.count() > 1) {
      long missed = due.count() - 1;
      skippedRuns(
          schedule,
          status,
          missed,
          null,
          (due.more() ? "more than " : "")
              + missed
              + " runs from "
              + pending
              + " were missed (the operator was not running or could not reach the API);"
              + " only the latest one, "
              + run
              + ", is considered");
    }
    Long deadline = spec.getStartingDeadlineSeconds();
    if (seen.has(runName(schedule, run))) {
      // Created by an earlier reconciliation whose status update was lost (operator restart).
      status.setLastScheduleTime(run.toString());
    } else if (Boolean.TRUE.equals(spec.getSuspend())) {
      skipped(schedule, status, run, "spec.suspend is true");
    } else if (deadline != null && now.isAfter(run.plusSeconds(deadline))) {
      skipped(
          schedule,
          status,
          run,
          "it is "
              + Duration.between(run, now).toSeconds()
              + " s late, more than startingDeadlineSeconds ("
              + deadline
              + ")");
    } else if (seen.active().isEmpty() && !seen.deleting().isEmpty()) {
      // A replaced (or deleted) run is still stopping its work and clearing its snapshots.
      status.setNextScheduleTime(run.toString());
      return now.plus(poll);
    } else if (!seen.active().isEmpty()) {
      List<String> running = seen.active().stream().map(b -> b.getMetadata().getName()).toList();
      if (spec.getConcurrencyPolicy() == ConcurrencyPolicy.Replace) {
        for (CassandraBackup b : seen.active()) {
          kubernetes.resource(b).delete();
        }
        events.normal(
            schedule,
            EventReason.Replaced,
            "deleted running backup " + running + " to start the run of " + run);
        // The run starts once they are gone: its work stopped and snapshots cleared.
        status.setNextScheduleTime(run.toString());
        return now.plus(poll);
      }
      skipped(
          schedule,
          status,
          run,
          "backup " + String.join(", ", running) + " still runs (concurrencyPolicy Forbid)");
    } else {
      String name = create(schedule, run);
      status.setLastScheduleTime(run.toString());
      List<String> active = new ArrayList<>(status.getActive());
      active.add(name);
      status.setActive(active);
    }
    Instant next = cron.next(run.isAfter(now) ? run : now).orElse(null);
    status.setNextScheduleTime(next == null ? null : next.toString());
    return next;
  }

  /** Where the search for the next run starts when there is no pointer. */
  private static Instant anchor(BackupSchedule schedule, BackupScheduleStatus status, Instant now) {
    Instant last = null;
    for (String t : new String[] {status.getLastScheduleTime(), status.getLastSkippedTime()}) {
      if (t != null && (last == null || Instant.parse(t).isAfter(last))) {
        last = Instant.parse(t);
      }
    }
    if (last != null) {
      return last.isAfter(now) ? now : last;
    }
    // A new schedule: from its creation, or from now if the API server's clock is ahead of ours.
    String created = schedule.getMetadata().getCreationTimestamp();
    Instant c = created == null ? now : Instant.parse(created);
    return c.isBefore(now) ? c : now;
  }

  private void skipped(
      BackupSchedule schedule, BackupScheduleStatus status, Instant run, String why) {
    skippedRuns(schedule, status, 1, run, "the run of " + run + " is skipped: " + why);
  }

  private void skippedRuns(
      BackupSchedule schedule, BackupScheduleStatus status, long runs, Instant at, String why) {
    status.setSkippedRuns((status.getSkippedRuns() == null ? 0 : status.getSkippedRuns()) + runs);
    if (at != null) {
      status.setLastSkippedTime(at.toString());
    }
    events.warning(schedule, EventReason.SkippedRun, why);
  }

  /** Creates the run's backup; a name already taken by this schedule's own is the same run. */
  private String create(BackupSchedule schedule, Instant run) {
    String name = runName(schedule, run);
    CassandraBackup backup = new CassandraBackup();
    backup.getMetadata().setName(name);
    backup.getMetadata().setNamespace(schedule.getMetadata().getNamespace());
    backup
        .getMetadata()
        .setLabels(
            Map.of(
                BackupSchedule.LABEL,
                schedule.getMetadata().getName(),
                "app.kubernetes.io/managed-by",
                "kassette-operator"));
    backup.getMetadata().setAnnotations(Map.of(BackupSchedule.SCHEDULED_TIME, run.toString()));
    backup
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion(schedule.getApiVersion())
                    .withKind(schedule.getKind())
                    .withName(schedule.getMetadata().getName())
                    .withUid(schedule.getMetadata().getUid())
                    .withController(true)
                    .build()));
    backup.setSpec(Serialization.clone(schedule.getSpec().getBackupTemplate()));
    try {
      kubernetes.resource(backup).create();
      events.normal(
          schedule,
          EventReason.Scheduled,
          "created backup "
              + name
              + " for the run of "
              + run
              + " ("
              + schedule.getSpec().getSchedule()
              + ")");
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      LOG.info("backup {} of the run of {} exists already: not created twice", name, run);
    }
    return name;
  }

  /** {@code <schedule>-<yyyyMMdd-HHmm>} in UTC, so the same run always has the same name. */
  public static String runName(BackupSchedule schedule, Instant run) {
    return schedule.getMetadata().getName() + "-" + RUN_SUFFIX.format(run);
  }

  // ---- Retention -----------------------------------------------------------------------------

  /**
   * Purges after each new success, one sidecar per location, then deletes the objects of the
   * backups it removed. True while a purge runs.
   */
  private boolean retention(
      BackupSchedule schedule, BackupScheduleStatus status, Observed seen, Instant now) {
    RetentionPolicy policy = schedule.getSpec().getRetention();
    CassandraBackup newest = seen.newestSucceeded();
    if (policy == null || newest == null) {
      return false;
    }
    PurgeStatus purge = status.getRetention();
    String after = newest.getMetadata().getName();
    boolean inFlight = purge != null && purge.getState() == PurgeState.Running;
    if (!inFlight && (purge == null || !after.equals(purge.getAfter()))) {
      String busy = unfinishedBackupOfCluster(schedule);
      if (busy != null) {
        return true; // a running backup may reference what the purge would sweep: wait for it
      }
      purge = new PurgeStatus();
      purge.setAfter(after);
      purge.setState(PurgeState.Running);
      purge.setStartTime(now.toString());
      purge.setFailures(0);
      int i = 0;
      for (String location : locations(schedule.getSpec().getBackupTemplate())) {
        LocationPurgeStatus l = new LocationPurgeStatus();
        l.setLocation(location);
        l.setOperation(
            ClusterPods.operationName(
                schedule,
                "purge-" + i++ + "-" + after.substring(Math.max(0, after.length() - 13))));
        purge.getLocations().add(l);
      }
      status.setRetention(purge);
      events.normal(
          schedule,
          EventReason.Purging,
          "retention after "
              + after
              + ": keep the last "
              + policy.getKeepLast()
              + (policy.getKeepWithin() == null
                  ? ""
                  : " and those within " + policy.getKeepWithin())
              + " in "
              + purge.getLocations().stream().map(LocationPurgeStatus::getLocation).toList());
    }
    if (purge.getState() != PurgeState.Running) {
      return false;
    }
    if (!Reconciliations.due(purge.getNextAttemptTime())) {
      return true;
    }
    Map<String, Pod> runningPods =
        pods.running(schedule.getMetadata().getNamespace(), cluster(schedule));
    for (LocationPurgeStatus l : purge.getLocations()) {
      if (OperationState.SUCCEEDED.name().equals(l.getState())) {
        continue;
      }
      Pod pod = podFor(l.getLocation(), newest, runningPods);
      if (pod == null) {
        return failedLocation(
            schedule, status, purge, l, "no running pod to purge " + l.getLocation() + " through");
      }
      l.setPod(pod.getMetadata().getName());
      try {
        SidecarClient client =
            pods.sidecar(schedule.getMetadata().getNamespace(), pod, cluster(schedule));
        Operation op = purgeOperation(client, request(schedule, l));
        l.setState(op.state().name());
        switch (op.state()) {
          case SUCCEEDED -> purged(l, op);
          case FAILED -> {
            String error =
                op.errors().isEmpty()
                    ? "purge failed"
                    : op.errors().get(op.errors().size() - 1).message();
            return failedLocation(schedule, status, purge, l, error);
          }
          case PAUSED -> client.resume(OperationKind.PURGE, l.getOperation());
          case CANCELLED -> {
            return failedLocation(
                schedule,
                status,
                purge,
                l,
                "the purge operation was cancelled outside the operator");
          }
          default -> {
            // PENDING, RUNNING: look again at the next poll
          }
        }
      } catch (RuntimeException e) {
        return failedLocation(schedule, status, purge, l, ClusterPods.message(e));
      }
    }
    if (purge.getLocations().stream()
        .allMatch(l -> OperationState.SUCCEEDED.name().equals(l.getState()))) {
      finishPurge(schedule, status, purge, seen);
      return false;
    }
    return true;
  }

  /** The purge operation: started once by name, its failed attempts resumed. */
  private static Operation purgeOperation(SidecarClient client, PurgeRequest request) {
    try {
      Operation op = client.get(OperationKind.PURGE, request.name());
      return op.state() == OperationState.FAILED
          ? client.resume(OperationKind.PURGE, request.name())
          : op;
    } catch (SidecarException e) {
      if (e.notFound()) {
        return client.startPurge(request);
      }
      throw e;
    }
  }

  private static PurgeRequest request(BackupSchedule schedule, LocationPurgeStatus l) {
    RetentionPolicy p = schedule.getSpec().getRetention();
    return new PurgeRequest(
            l.getLocation(),
            cluster(schedule).getName(),
            p.getKeepLast() == null ? 7 : p.getKeepLast(),
            p.getKeepWithin(),
            p.getGrace() == null ? "6h" : p.getGrace(),
            false)
        .asOperation(l.getOperation(), schedule.getMetadata().getName() + "-");
  }

  @SuppressWarnings("unchecked")
  private static void purged(LocationPurgeStatus l, Operation op) {
    Map<String, Object> s = op.summary() == null ? Map.of() : op.summary();
    l.setExpired(s.get("expired") instanceof List<?> e ? (List<String>) e : List.of());
    l.setKept(s.get("kept") instanceof List<?> k ? (List<String>) k : List.of());
    l.setObjects(s.get("objects") instanceof Number n ? n.longValue() : 0L);
    l.setBytes(s.get("bytes") instanceof Number n ? n.longValue() : 0L);
    l.setError(null);
  }

  /** Records a failed attempt; after the last one the purge is Failed until the next success. */
  private boolean failedLocation(
      BackupSchedule schedule,
      BackupScheduleStatus status,
      PurgeStatus purge,
      LocationPurgeStatus l,
      String error) {
    l.setError(error);
    int failures = (purge.getFailures() == null ? 0 : purge.getFailures()) + 1;
    purge.setFailures(failures);
    if (failures > PURGE_ATTEMPTS) {
      purge.setState(PurgeState.Failed);
      purge.setCompletionTime(clock.instant().toString());
      purge.setNextAttemptTime(null);
      String message =
          "retention purge of " + l.getLocation() + " failed " + failures + " times: " + error;
      Conditions.set(
          status.getConditions(),
          RETENTION_FAILED,
          true,
          "PurgeFailed",
          message,
          generation(schedule));
      events.warning(
          schedule, EventReason.PurgeFailed, message + "; the next successful backup tries again");
      return false;
    }
    Duration wait = Reconciliations.backoff(retryBase, failures);
    purge.setNextAttemptTime(clock.instant().plus(wait).toString());
    events.warning(
        schedule,
        EventReason.PurgeFailed,
        "retention purge of "
            + l.getLocation()
            + ": "
            + error
            + "; retry "
            + failures
            + " of "
            + PURGE_ATTEMPTS
            + " in "
            + wait.toSeconds()
            + " s");
    return true;
  }

  /** Every location purged: totals, and the CassandraBackups whose data went. */
  private void finishPurge(
      BackupSchedule schedule, BackupScheduleStatus status, PurgeStatus purge, Observed seen) {
    Set<String> expired = new LinkedHashSet<>();
    Set<String> kept = new LinkedHashSet<>();
    long objects = 0;
    long bytes = 0;
    for (LocationPurgeStatus l : purge.getLocations()) {
      expired.addAll(l.getExpired());
      kept.addAll(l.getKept());
      objects += l.getObjects() == null ? 0 : l.getObjects();
      bytes += l.getBytes() == null ? 0 : l.getBytes();
    }
    expired.removeAll(kept); // kept in any location: its object stays
    List<String> deleted = new ArrayList<>();
    for (CassandraBackup b : seen.succeeded()) {
      String bucketName =
          b.getStatus().getBackupName() == null
              ? b.getMetadata().getName()
              : b.getStatus().getBackupName();
      if (expired.contains(bucketName) && b.getMetadata().getDeletionTimestamp() == null) {
        kubernetes.resource(b).delete();
        deleted.add(b.getMetadata().getName());
      }
    }
    purge.setExpired(new ArrayList<>(expired));
    purge.setObjects(objects);
    purge.setBytes(bytes);
    purge.setDeletedBackups(deleted);
    purge.setState(PurgeState.Succeeded);
    purge.setCompletionTime(clock.instant().toString());
    purge.setNextAttemptTime(null);
    Conditions.set(
        status.getConditions(), RETENTION_FAILED, false, "Purged", "", generation(schedule));
    events.normal(
        schedule,
        EventReason.Purged,
        "retention after "
            + purge.getAfter()
            + ": deleted "
            + expired.size()
            + " backups "
            + expired
            + ", "
            + objects
            + " objects ("
            + ClusterPods.human(bytes)
            + "); deleted CassandraBackups "
            + deleted);
  }

  /** Where a location is purged: a running pod that wrote to it in the last success, else any. */
  private static Pod podFor(String location, CassandraBackup newest, Map<String, Pod> running) {
    for (NodeBackupStatus n : newest.getStatus().getNodes()) {
      if (location.equals(n.getLocation()) && running.containsKey(n.getPod())) {
        return running.get(n.getPod());
      }
    }
    return running.isEmpty() ? null : running.values().iterator().next();
  }

  private static List<String> locations(CassandraBackupSpec template) {
    Set<String> locations = new LinkedHashSet<>();
    if (template.getLocation() != null) {
      locations.add(template.getLocation());
    }
    if (template.getDatacenterLocations() != null) {
      locations.addAll(new java.util.TreeMap<>(template.getDatacenterLocations()).values());
    }
    return new ArrayList<>(locations);
  }

  /** Any unfinished CassandraBackup of the same cluster in the namespace, whoever made it. */
  private String unfinishedBackupOfCluster(BackupSchedule schedule) {
    String cluster = cluster(schedule).getName();
    return kubernetes
        .resources(CassandraBackup.class)
        .inNamespace(schedule.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(b -> b.getSpec() != null && b.getSpec().getCluster() != null)
        .filter(b -> cluster.equals(b.getSpec().getCluster().getName()))
        .filter(
            b ->
                b.getStatus() == null
                    || b.getStatus().getPhase() == null
                    || !b.getStatus().getPhase().finished())
        .map(b -> b.getMetadata().getName())
        .findFirst()
        .orElse(null);
  }

  // ---- History -------------------------------------------------------------------------------

  /** Deletes the oldest finished CassandraBackups beyond the history limits. */
  private void trimHistory(BackupSchedule schedule, Observed seen) {
    BackupScheduleSpec spec = schedule.getSpec();
    List<String> deleted = new ArrayList<>();
    deleted.addAll(
        trim(
            seen.failed(),
            spec.getFailedBackupsHistoryLimit() == null ? 3 : spec.getFailedBackupsHistoryLimit()));
    if (spec.getSuccessfulBackupsHistoryLimit() != null) {
      deleted.addAll(trim(seen.succeeded(), spec.getSuccessfulBackupsHistoryLimit()));
    }
    if (!deleted.isEmpty()) {
      events.normal(
          schedule,
          EventReason.HistoryTrimmed,
          "deleted CassandraBackups beyond the history limits: " + deleted);
    }
  }

  private List<String> trim(List<CassandraBackup> newestFirst, int limit) {
    List<String> deleted = new ArrayList<>();
    for (int i = limit; i < newestFirst.size(); i++) {
      CassandraBackup b = newestFirst.get(i);
      if (b.getMetadata().getDeletionTimestamp() == null) {
        kubernetes.resource(b).delete();
        deleted.add(b.getMetadata().getName());
      }
    }
    return deleted;
  }

  // ---- Small things --------------------------------------------------------------------------

  private static io.kassette.operator.api.ClusterRef cluster(BackupSchedule schedule) {
    return schedule.getSpec().getBackupTemplate().getCluster();
  }

  private static Long generation(BackupSchedule schedule) {
    return schedule.getMetadata().getGeneration();
  }

  private static String readyMessage(BackupScheduleStatus status) {
    return status.getConditions().stream()
        .filter(c -> READY.equals(c.getType()))
        .map(io.fabric8.kubernetes.api.model.Condition::getMessage)
        .findFirst()
        .orElse(null);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
