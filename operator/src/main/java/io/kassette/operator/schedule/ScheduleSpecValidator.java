package io.kassette.operator.schedule;

import io.kassette.operator.api.BackupSchedule;
import io.kassette.operator.api.BackupScheduleSpec;
import io.kassette.operator.api.RetentionPolicy;
import io.kassette.operator.backup.BackupSpecValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the CRD schema says about a BackupSchedule, checked again (a cluster may run without schema
 * validation), and what a schema cannot check: that the cron expression and the time zone parse,
 * and that the names of the backups it creates fit.
 */
final class ScheduleSpecValidator {
  private static final Pattern DURATION = Pattern.compile("[0-9]+[smhd]|P[0-9A-Z]+");
  // The schedule's name is a label value on its backups, and the prefix of their names.
  static final int MAX_NAME = 63;

  private ScheduleSpecValidator() {}

  static List<String> problems(BackupSchedule schedule) {
    List<String> problems = new ArrayList<>();
    String name = schedule.getMetadata().getName();
    if (name.length() > MAX_NAME) {
      problems.add(
          "metadata.name is "
              + name.length()
              + " characters: at most "
              + MAX_NAME
              + " (it labels the backups this schedule creates)");
    }
    BackupScheduleSpec spec = schedule.getSpec();
    if (spec == null) {
      problems.add("spec is required");
      return problems;
    }
    try {
      CronSchedule.parse(spec.getSchedule(), spec.getTimeZone());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    if (spec.getBackupTemplate() == null) {
      problems.add("spec.backupTemplate is required: the spec of the backups to create");
    } else {
      BackupSpecValidator.problems(spec.getBackupTemplate()).stream()
          .map(p -> p.replaceAll("\\bspec\\.", "spec.backupTemplate."))
          .forEach(problems::add);
    }
    RetentionPolicy retention = spec.getRetention();
    if (retention != null) {
      if (retention.getKeepLast() != null && retention.getKeepLast() < 1) {
        problems.add(
            "spec.retention.keepLast must be at least 1 (the newest complete backup is always"
                + " kept), got "
                + retention.getKeepLast());
      }
      duration(problems, "spec.retention.keepWithin", retention.getKeepWithin());
      duration(problems, "spec.retention.grace", retention.getGrace());
    }
    atLeast(problems, "spec.startingDeadlineSeconds", spec.getStartingDeadlineSeconds());
    atLeast(
        problems,
        "spec.successfulBackupsHistoryLimit",
        spec.getSuccessfulBackupsHistoryLimit() == null
            ? null
            : spec.getSuccessfulBackupsHistoryLimit().longValue());
    atLeast(
        problems,
        "spec.failedBackupsHistoryLimit",
        spec.getFailedBackupsHistoryLimit() == null
            ? null
            : spec.getFailedBackupsHistoryLimit().longValue());
    return problems;
  }

  private static void duration(List<String> problems, String field, String value) {
    if (value != null && !DURATION.matcher(value).matches()) {
      problems.add(field + " '" + value + "' is not a duration: use e.g. 30m, 12h, 14d or P14D");
    }
  }

  private static void atLeast(List<String> problems, String field, Long value) {
    if (value != null && value < 0) {
      problems.add(field + " must be 0 or more, got " + value);
    }
  }
}
