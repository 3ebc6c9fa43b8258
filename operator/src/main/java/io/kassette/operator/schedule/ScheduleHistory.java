package io.kassette.operator.schedule;

import io.kassette.operator.EventReason;
import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupScheduleSpec;
import io.kassette.operator.api.CassandraBackup;
import java.util.ArrayList;
import java.util.List;

/** History limits: the oldest finished CassandraBackups of the schedule beyond them go. */
final class ScheduleHistory {
  private ScheduleHistory() {}

  /** Deletes the oldest finished CassandraBackups beyond the history limits. */
  static void trim(ScheduleReconciliation r) {
    BackupSchedule schedule = r.schedule;
    ScheduleReconciliation.Observed seen = r.seen;
    BackupScheduleSpec spec = schedule.getSpec();
    List<String> deleted = new ArrayList<>();
    deleted.addAll(
        trim(
            r,
            seen.failed(),
            spec.getFailedBackupsHistoryLimit() == null ? 3 : spec.getFailedBackupsHistoryLimit()));
    if (spec.getSuccessfulBackupsHistoryLimit() != null) {
      deleted.addAll(trim(r, seen.succeeded(), spec.getSuccessfulBackupsHistoryLimit()));
    }
    if (!deleted.isEmpty()) {
      r.events()
          .normal(
              schedule,
              EventReason.HistoryTrimmed,
              "deleted CassandraBackups beyond the history limits: " + deleted);
    }
  }

  private static List<String> trim(
      ScheduleReconciliation r, List<CassandraBackup> newestFirst, int limit) {
    List<String> deleted = new ArrayList<>();
    for (int i = limit; i < newestFirst.size(); i++) {
      CassandraBackup b = newestFirst.get(i);
      if (b.getMetadata().getDeletionTimestamp() == null) {
        r.kubernetes.resource(b).delete();
        deleted.add(b.getMetadata().getName());
      }
    }
    return deleted;
  }
}
