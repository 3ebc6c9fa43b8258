package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** The purge of one location, by one sidecar. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LocationPurgeStatus {
  @JsonPropertyDescription("The location purged.")
  private String location;

  @JsonPropertyDescription("The pod whose sidecar purges it.")
  private String pod;

  @JsonPropertyDescription("The sidecar operation's name.")
  private String operation;

  @JsonPropertyDescription(
      "The sidecar operation's state: PENDING, RUNNING, SUCCEEDED, FAILED, PAUSED or CANCELLED.")
  private String state;

  @JsonPropertyDescription("Backups deleted from this location.")
  private List<String> expired = new ArrayList<>();

  @JsonPropertyDescription("Backups of this schedule kept in this location.")
  private List<String> kept = new ArrayList<>();

  @JsonPropertyDescription("Objects deleted.")
  private Long objects;

  @JsonPropertyDescription("Bytes deleted.")
  private Long bytes;

  @JsonPropertyDescription(
      "Attempts of the purge operation whose failure is already counted in the purge's failures.")
  private Integer countedAttempts;

  @JsonPropertyDescription("Why the last attempt failed.")
  private String error;

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getOperation() {
    return operation;
  }

  public void setOperation(String operation) {
    this.operation = operation;
  }

  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  public List<String> getExpired() {
    return expired;
  }

  public void setExpired(List<String> expired) {
    this.expired = expired;
  }

  public List<String> getKept() {
    return kept;
  }

  public void setKept(List<String> kept) {
    this.kept = kept;
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

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }

  public Integer getCountedAttempts() {
    return countedAttempts;
  }

  public void setCountedAttempts(Integer countedAttempts) {
    this.countedAttempts = countedAttempts;
  }
}
