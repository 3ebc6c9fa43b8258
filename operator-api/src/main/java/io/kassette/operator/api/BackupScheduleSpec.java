package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** When to back up, what, and how long to keep it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupScheduleSpec {
  @Required
  @Pattern("^\\S+(\\s+\\S+){4}$")
  @JsonPropertyDescription("Cron expression (5 fields, e.g. 0 2 * * *) in timeZone.")
  private String schedule;

  @Default("UTC")
  @JsonPropertyDescription("IANA time zone of the schedule.")
  private String timeZone = "UTC";

  @Required
  @JsonPropertyDescription("The spec of every CassandraBackup this schedule creates.")
  private CassandraBackupSpec backupTemplate;

  @JsonPropertyDescription("What stays in storage.")
  private RetentionPolicy retention;

  @Default("false")
  @JsonPropertyDescription("true stops creating backups; running ones continue.")
  private Boolean suspend = false;

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

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }
}
