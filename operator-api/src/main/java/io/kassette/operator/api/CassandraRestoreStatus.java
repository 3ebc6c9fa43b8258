package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Where the restore stands. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CassandraRestoreStatus {
  @JsonPropertyDescription(
      "Pending, Validating, RestoringSchema, Downloading, Truncating, Importing, "
          + "Succeeded, Failed or Paused.")
  private RestorePhase phase;

  @JsonPropertyDescription("Ready (restored), Progressing and Failed, with reasons.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("The backup being restored.")
  private String backupName;

  @JsonPropertyDescription("Where it is read from.")
  private String location;

  @JsonPropertyDescription("The cluster name it was taken under.")
  private String sourceCluster;

  @JsonPropertyDescription(
      "import (each node gets its own backed-up files) or load (streamed by the bulk "
          + "loader to the nodes that own the rows).")
  private String mode;

  @JsonPropertyDescription("One entry per target node, with the source nodes mapped to it.")
  private List<NodeRestoreStatus> nodes = new ArrayList<>();

  @JsonPropertyDescription("Whether the tables were truncated (once, after every download).")
  private Boolean truncated;

  @JsonPropertyDescription("Bytes downloaded over bytes to restore, in percent.")
  private Integer progressPercent;

  @JsonPropertyDescription("Nodes imported over nodes, e.g. 2/3.")
  private String nodesReady;

  @JsonPropertyDescription("When the restore started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When it succeeded or failed (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("Failed node attempts so far.")
  private Integer failures;

  @JsonPropertyDescription("The phase the restore was in when it was paused.")
  private String pausedFrom;

  public RestorePhase getPhase() {
    return phase;
  }

  public void setPhase(RestorePhase phase) {
    this.phase = phase;
  }

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

  public String getBackupName() {
    return backupName;
  }

  public void setBackupName(String backupName) {
    this.backupName = backupName;
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public String getSourceCluster() {
    return sourceCluster;
  }

  public void setSourceCluster(String sourceCluster) {
    this.sourceCluster = sourceCluster;
  }

  public String getMode() {
    return mode;
  }

  public void setMode(String mode) {
    this.mode = mode;
  }

  public List<NodeRestoreStatus> getNodes() {
    return nodes;
  }

  public void setNodes(List<NodeRestoreStatus> nodes) {
    this.nodes = nodes;
  }

  public Boolean getTruncated() {
    return truncated;
  }

  public void setTruncated(Boolean truncated) {
    this.truncated = truncated;
  }

  public Integer getProgressPercent() {
    return progressPercent;
  }

  public void setProgressPercent(Integer progressPercent) {
    this.progressPercent = progressPercent;
  }

  public String getNodesReady() {
    return nodesReady;
  }

  public void setNodesReady(String nodesReady) {
    this.nodesReady = nodesReady;
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

  public Integer getFailures() {
    return failures;
  }

  public void setFailures(Integer failures) {
    this.failures = failures;
  }

  public String getPausedFrom() {
    return pausedFrom;
  }

  public void setPausedFrom(String pausedFrom) {
    this.pausedFrom = pausedFrom;
  }
}
