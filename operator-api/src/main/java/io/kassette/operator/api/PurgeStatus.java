package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** One retention purge, run after a successful backup, in every location of the schedule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PurgeStatus {
  @JsonPropertyDescription("The succeeded backup whose completion started this purge.")
  private String after;

  @JsonPropertyDescription("Running, Succeeded or Failed.")
  private PurgeState state;

  @JsonPropertyDescription("When it started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When it ended (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("One entry per location, each purged by one sidecar.")
  private List<LocationPurgeStatus> locations = new ArrayList<>();

  @JsonPropertyDescription("Backups deleted from storage, over every location.")
  private List<String> expired = new ArrayList<>();

  @JsonPropertyDescription("Objects deleted, over every location.")
  private Long objects;

  @JsonPropertyDescription("Bytes deleted, over every location.")
  private Long bytes;

  @JsonPropertyDescription("CassandraBackup objects deleted because their data was purged.")
  private List<String> deletedBackups = new ArrayList<>();

  @JsonPropertyDescription("Failed attempts so far.")
  private Integer failures;

  @JsonPropertyDescription("When a failed location is tried again (RFC 3339).")
  private String nextAttemptTime;

  public String getAfter() {
    return after;
  }

  public void setAfter(String after) {
    this.after = after;
  }

  public PurgeState getState() {
    return state;
  }

  public void setState(PurgeState state) {
    this.state = state;
  }

  public String getStartTime() {
    return startTime;
  }

  public void setStartTime(String startTime) {
    this.startTime = startTime;
  }

  public String getCompletionTime() {
    return completionTime;
  }

  public void setCompletionTime(String completionTime) {
    this.completionTime = completionTime;
  }

  public List<LocationPurgeStatus> getLocations() {
    return locations;
  }

  public void setLocations(List<LocationPurgeStatus> locations) {
    this.locations = locations;
  }

  public List<String> getExpired() {
    return expired;
  }

  public void setExpired(List<String> expired) {
    this.expired = expired;
  }

  public Long getObjects() {
    return objects;
  }

  public void setObjects(Long objects) {
    this.objects = objects;
  }

  public Long getBytes() {
    return bytes;
  }

  public void setBytes(Long bytes) {
    this.bytes = bytes;
  }

  public List<String> getDeletedBackups() {
    return deletedBackups;
  }

  public void setDeletedBackups(List<String> deletedBackups) {
    this.deletedBackups = deletedBackups;
  }

  public Integer getFailures() {
    return failures;
  }

  public void setFailures(Integer failures) {
    this.failures = failures;
  }

  public String getNextAttemptTime() {
    return nextAttemptTime;
  }

  public void setNextAttemptTime(String nextAttemptTime) {
    this.nextAttemptTime = nextAttemptTime;
  }
}
