package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Where the backup stands. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CassandraBackupStatus {
  @JsonPropertyDescription(
      "Pending, Snapshotting, Uploading, Committing, Succeeded, Failed or Paused.")
  private BackupPhase phase;

  @JsonPropertyDescription(
      "Ready (the backup is complete and restorable), Progressing, Waiting (another "
          + "backup of the cluster runs) and Failed, with reasons.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The generation of the spec this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("The backup's name in the bucket.")
  private String backupName;

  @JsonPropertyDescription("When the backup started (RFC 3339).")
  private String startTime;

  @JsonPropertyDescription("When it succeeded or failed (RFC 3339).")
  private String completionTime;

  @JsonPropertyDescription("One entry per node.")
  private List<NodeBackupStatus> nodes = new ArrayList<>();

  @JsonPropertyDescription("Totals over every node.")
  private BackupTotals totals;

  @JsonPropertyDescription("Bytes stored over bytes in the snapshots, in percent.")
  private Integer progressPercent;

  @JsonPropertyDescription("Nodes done over nodes, e.g. 2/3.")
  private String nodesReady;

  @JsonPropertyDescription("Size of the backup, human readable.")
  private String size;

  @JsonPropertyDescription("The cluster manifest of every location the backup was committed to.")
  private List<String> manifests = new ArrayList<>();

  @JsonPropertyDescription("Failed node attempts so far.")
  private Integer failures;

  @JsonPropertyDescription("Failed attempts to write a cluster manifest.")
  private Integer commitAttempts;

  @JsonPropertyDescription("When the next commit attempt is due (RFC 3339).")
  private String nextCommitTime;

  @JsonPropertyDescription(
      "Nodes of the ring this backup does not hold (allowDownNodes); also in the cluster "
          + "manifest.")
  private List<MissingNodeStatus> missingNodes = new ArrayList<>();

  @JsonPropertyDescription("The phase the backup was in when it was paused.")
  private String pausedFrom;

  public BackupPhase getPhase() {
    return phase;
  }

  public void setPhase(BackupPhase phase) {
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

  public List<NodeBackupStatus> getNodes() {
    return nodes;
  }

  public void setNodes(List<NodeBackupStatus> nodes) {
    this.nodes = nodes;
  }

  public BackupTotals getTotals() {
    return totals;
  }

  public void setTotals(BackupTotals totals) {
    this.totals = totals;
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

  public String getSize() {
    return size;
  }

  public void setSize(String size) {
    this.size = size;
  }

  public List<String> getManifests() {
    return manifests;
  }

  public void setManifests(List<String> manifests) {
    this.manifests = manifests;
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

  public List<MissingNodeStatus> getMissingNodes() {
    return missingNodes;
  }

  public void setMissingNodes(List<MissingNodeStatus> missingNodes) {
    this.missingNodes = missingNodes;
  }

  public Integer getCommitAttempts() {
    return commitAttempts;
  }

  public void setCommitAttempts(Integer commitAttempts) {
    this.commitAttempts = commitAttempts;
  }

  public String getNextCommitTime() {
    return nextCommitTime;
  }

  public void setNextCommitTime(String nextCommitTime) {
    this.nextCommitTime = nextCommitTime;
  }
}
