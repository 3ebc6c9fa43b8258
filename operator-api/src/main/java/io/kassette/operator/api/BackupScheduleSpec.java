package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** When to back up, what, and how long to keep it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupScheduleSpec {
  @Required
  @Pattern("^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|\\S+(\\s+\\S+){4})$")
  @Size(max = 256)
  @JsonPropertyDescription(
      "Cron expression with 5 fields (minute hour day-of-month month day-of-week, e.g. "
          + "\"0 2 * * *\"), or @hourly, @daily, @weekly, @monthly, @yearly; in timeZone. A "
          + "local time that a daylight-saving change skips runs right after the change; one "
          + "it repeats runs once.")
  private String schedule;

  @Default("UTC")
  @Pattern("^[A-Za-z][A-Za-z0-9_+/-]*$")
  @Size(max = 64)
  @JsonPropertyDescription("IANA time zone of the schedule, e.g. Europe/Berlin.")
  private String timeZone = "UTC";

  @Required
  @JsonPropertyDescription(
      "The spec of every CassandraBackup this schedule creates. Changes apply to the "
          + "next run.")
  private CassandraBackupSpec backupTemplate;

  @JsonPropertyDescription(
      "What stays in storage; purged after each successful run. Unset: nothing is purged.")
  private RetentionPolicy retention;

  @Default("Forbid")
  @JsonPropertyDescription(
      "When a run is due while the previous backup still runs: Forbid skips the run; "
          + "Replace deletes the running backup (its work stops, its snapshots are cleared) "
          + "and starts the new one.")
  private ConcurrencyPolicy concurrencyPolicy = ConcurrencyPolicy.Forbid;

  @Default("false")
  @JsonPropertyDescription("true creates no backups; a running one continues.")
  private Boolean suspend = false;

  @Min(0)
  @JsonPropertyDescription(
      "A run missed (operator down, suspended) by more than this many seconds is skipped "
          + "and reported instead of started late. Unset: the most recent missed run always "
          + "starts; older missed runs are always skipped.")
  private Long startingDeadlineSeconds;

  @Min(0)
  @JsonPropertyDescription(
      "Succeeded CassandraBackup objects to keep, newest first. Unset: they go exactly "
          + "when retention purges their data, so kubectl get matches the bucket. A lower "
          + "number deletes objects whose data stays in storage (with deletionPolicy Retain).")
  private Integer successfulBackupsHistoryLimit;

  @Min(0)
  @Default("3")
  @JsonPropertyDescription("Failed CassandraBackup objects to keep, newest first.")
  private Integer failedBackupsHistoryLimit = 3;

  public String getSchedule() {
    return schedule;
  }

  public void setSchedule(String schedule) {
    this.schedule = schedule;
  }

  public String getTimeZone() {
    return timeZone;
  }

  public void setTimeZone(String timeZone) {
    this.timeZone = timeZone;
  }

  public CassandraBackupSpec getBackupTemplate() {
    return backupTemplate;
  }

  public void setBackupTemplate(CassandraBackupSpec backupTemplate) {
    this.backupTemplate = backupTemplate;
  }

  public RetentionPolicy getRetention() {
    return retention;
  }

  public void setRetention(RetentionPolicy retention) {
    this.retention = retention;
  }

  public ConcurrencyPolicy getConcurrencyPolicy() {
    return concurrencyPolicy;
  }

  public void setConcurrencyPolicy(ConcurrencyPolicy concurrencyPolicy) {
    this.concurrencyPolicy = concurrencyPolicy;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public Long getStartingDeadlineSeconds() {
    return startingDeadlineSeconds;
  }

  public void setStartingDeadlineSeconds(Long startingDeadlineSeconds) {
    this.startingDeadlineSeconds = startingDeadlineSeconds;
  }

  public Integer getSuccessfulBackupsHistoryLimit() {
    return successfulBackupsHistoryLimit;
  }

  public void setSuccessfulBackupsHistoryLimit(Integer successfulBackupsHistoryLimit) {
    this.successfulBackupsHistoryLimit = successfulBackupsHistoryLimit;
  }

  public Integer getFailedBackupsHistoryLimit() {
    return failedBackupsHistoryLimit;
  }

  public void setFailedBackupsHistoryLimit(Integer failedBackupsHistoryLimit) {
    this.failedBackupsHistoryLimit = failedBackupsHistoryLimit;
  }
}
