package io.kassette.operator.schedule;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kassette.operator.EventReason;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupScheduleSpec;
import io.kassette.operator.api.BackupScheduleStatus;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.api.ConcurrencyPolicy;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schedule's runs: {@code status.nextScheduleTime} is the one pointer to the next run; when it
 * has passed, the runs since are counted, the latest is started (or skipped: suspended, past the
 * deadline, Forbid while one runs; Replace stops the running one first), the others reported as
 * skipped. A run is a CassandraBackup named from the schedule and the run's time, so creating it
 * twice finds the name taken by the same run.
 */
final class ScheduleRuns {
  private static final Logger LOG = LoggerFactory.getLogger(ScheduleRuns.class);
  private static final DateTimeFormatter RUN_SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

  private ScheduleRuns() {}

  /** Starts, skips or waits for the run that fell due; returns when to look next. */
  static Instant schedule(ScheduleReconciliation r, CronSchedule cron, Duration poll) {
    BackupSchedule schedule = r.schedule;
    BackupScheduleStatus status = r.status;
    ScheduleReconciliation.Observed seen = r.seen;
    Instant now = r.now;
    BackupScheduleSpec spec = schedule.getSpec();
    boolean specChanged =
        !Objects.equals(status.getObservedGeneration(), schedule.getMetadata().getGeneration());
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
          r,
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
      skipped(r, run, "spec.suspend is true");
    } else if (deadline != null && now.isAfter(run.plusSeconds(deadline))) {
      skipped(
          r,
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
          r.kubernetes.resource(b).delete();
        }
        r.events()
            .normal(
                schedule,
                EventReason.Replaced,
                "deleted running backup " + running + " to start the run of " + run);
        // The run starts once they are gone: its work stopped and snapshots cleared.
        status.setNextScheduleTime(run.toString());
        return now.plus(poll);
      }
      skipped(
          r,
          run,
          "backup " + String.join(", ", running) + " still runs (concurrencyPolicy Forbid)");
    } else {
      String name = create(r, run);
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
  static Instant anchor(BackupSchedule schedule, BackupScheduleStatus status, Instant now) {
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

  private static void skipped(ScheduleReconciliation r, Instant run, String why) {
    skippedRuns(r, 1, run, "the run of " + run + " is skipped: " + why);
  }

  private static void skippedRuns(ScheduleReconciliation r, long runs, Instant at, String why) {
    BackupScheduleStatus status = r.status;
    status.setSkippedRuns((status.getSkippedRuns() == null ? 0 : status.getSkippedRuns()) + runs);
    if (at != null) {
      status.setLastSkippedTime(at.toString());
    }
    r.events().warning(r.schedule, EventReason.SkippedRun, why);
  }

  /** Creates the run's backup; a name already taken by this schedule's own is the same run. */
  private static String create(ScheduleReconciliation r, Instant run) {
    BackupSchedule schedule = r.schedule;
    String name = runName(schedule, run);
    CassandraBackup backup = new CassandraBackup();
    backup.getMetadata().setName(name);
    backup.getMetadata().setNamespace(schedule.getMetadata().getNamespace());
    backup.getMetadata().setLabels(labels(schedule));
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
      r.kubernetes.resource(backup).create();
      r.events()
          .normal(
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

  /** The schedule's own labels (an operator's resource selector sees its runs), and ours. */
  private static Map<String, String> labels(BackupSchedule schedule) {
    Map<String, String> labels = new java.util.TreeMap<>();
    if (schedule.getMetadata().getLabels() != null) {
      labels.putAll(schedule.getMetadata().getLabels());
    }
    labels.put(BackupSchedule.LABEL, schedule.getMetadata().getName());
    labels.put("app.kubernetes.io/managed-by", "kassette-operator");
    return labels;
  }

  /** {@code <schedule>-<yyyyMMdd-HHmm>} in UTC, so the same run always has the same name. */
  public static String runName(BackupSchedule schedule, Instant run) {
    return schedule.getMetadata().getName() + "-" + RUN_SUFFIX.format(run);
  }
}
