package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the schedule did, and what it does next. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupScheduleStatus {
  @JsonPropertyDescription(
      "Ready (the schedule is valid and running, or Suspended), RetentionFailed (the last purge failed), with reasons.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("The scheduled time of the last run that created a backup (RFC 3339).")
  private String lastScheduleTime;

  @JsonPropertyDescription(
      "The scheduled time of the last run that was skipped: missed by more than startingDeadlineSeconds, or due while a backup ran under concurrencyPolicy Forbid (RFC 3339).")
  private String lastSkippedTime;

  @JsonPropertyDescription("Runs skipped so far (missed or forbidden).")
  private Long skippedRuns;

  @JsonPropertyDescription("The scheduled time of the next run (RFC 3339).")
  private String nextScheduleTime;

  @JsonPropertyDescription("Backups of this schedule that have not finished.")
  private List<String> active = new ArrayList<>();

  @JsonPropertyDescription(
      "When the newest succeeded backup of this schedule completed (RFC 3339).")
  private String lastSuccessfulTime;

  @JsonPropertyDescription("Name of the newest succeeded backup of this schedule.")
  private String lastSuccessfulBackup;

  @JsonPropertyDescription(
      "The last retention purge: what it removed from storage and which CassandraBackup objects went with it.")
  private PurgeStatus retention;

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getLastScheduleTime() {
    return lastScheduleTime;
  }

  public void setLastScheduleTime(String lastScheduleTime) {
    this.lastScheduleTime = lastScheduleTime;
  }

  public String getLastSkippedTime() {
    return lastSkippedTime;
  }

  public void setLastSkippedTime(String lastSkippedTime) {
    this.lastSkippedTime = lastSkippedTime;
  }

  public Long getSkippedRuns() {
    return skippedRuns;
  }

  public void setSkippedRuns(Long skippedRuns) {
    this.skippedRuns = skippedRuns;
  }

  public String getNextScheduleTime() {
    return nextScheduleTime;
  }

  public void setNextScheduleTime(String nextScheduleTime) {
    this.nextScheduleTime = nextScheduleTime;
  }

  public List<String> getActive() {
    return active;
  }

  public void setActive(List<String> active) {
    this.active = active;
  }

  public String getLastSuccessfulTime() {
    return lastSuccessfulTime;
  }

  public void setLastSuccessfulTime(String lastSuccessfulTime) {
    this.lastSuccessfulTime = lastSuccessfulTime;
  }

  public String getLastSuccessfulBackup() {
    return lastSuccessfulBackup;
  }

  public void setLastSuccessfulBackup(String lastSuccessfulBackup) {
    this.lastSuccessfulBackup = lastSuccessfulBackup;
  }

  public PurgeStatus getRetention() {
    return retention;
  }

  public void setRetention(PurgeStatus retention) {
    this.retention = retention;
  }
}
