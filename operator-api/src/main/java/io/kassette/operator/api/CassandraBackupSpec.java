package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * What to back up, where to, and how hard to push. In a CassandraBackup it is immutable once
 * created, except suspend and rateLimitMiBps (rules on {@link CassandraBackup}, so that the same
 * type stays editable as a BackupSchedule's template).
 */
@ValidationRule(
    value =
        "has(self.location) || (has(self.datacenterLocations) && self.datacenterLocations.size() > 0)",
    message = "set location, datacenterLocations, or both")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CassandraBackupSpec {
  @Required
  @JsonPropertyDescription("The cluster to back up.")
  private ClusterRef cluster;

  @Pattern(Constraints.TABLE_GLOBS)
  @Size(max = Constraints.TABLE_GLOBS_LENGTH)
  @JsonPropertyDescription(
      "Tables to back up as comma-separated keyspace or keyspace.table globs, ! to "
          + "exclude (e.g. app*,!app_tmp.*). Empty: every user table.")
  private String keyspaces;

  @Pattern(Constraints.LOCATION)
  @Size(max = Constraints.LOCATION_LENGTH)
  @JsonPropertyDescription(
      "Where the backup goes: s3://bucket/prefix, gs://bucket/prefix, az://container/prefix (Azure Blob Storage) or file:///path. "
          + "Used by every datacenter without its own entry in datacenterLocations.")
  private String location;

  @Size(max = Constraints.MAP_ENTRIES)
  @JsonPropertyDescription(
      "Per-datacenter locations (datacenter name to location), so that no node sends "
          + "its data across regions.")
  private Map<
          String, @Pattern(Constraints.LOCATION) @Size(max = Constraints.LOCATION_LENGTH) String>
      datacenterLocations;

  @Default("differential")
  @JsonPropertyDescription(
      "differential stores each SSTable once in a shared pool that backups reference; "
          + "full gives this backup its own copy.")
  private BackupMode mode = BackupMode.DIFFERENTIAL;

  @Min(1)
  @Default("8")
  @JsonPropertyDescription("Nodes snapshotting at once.")
  private Integer snapshotParallel = 8;

  @Min(1)
  @Default("2")
  @JsonPropertyDescription("Nodes uploading at once.")
  private Integer uploadParallel = 2;

  @Min(1)
  @Max(256)
  @Default("4")
  @JsonPropertyDescription("Files each node uploads at once.")
  private Integer filesParallel = 4;

  @Min(0)
  @Default("0")
  @ValidationRule(
      value = "self == 0.0 || self >= 0.01",
      message = "rateLimitMiBps must be 0 (no limit) or at least 0.01 MiB/s")
  @JsonPropertyDescription(
      "Upload limit per node in MiB/s; 0 for none. May change while the backup runs: the "
          + "running uploads take the new limit within a second.")
  private Double rateLimitMiBps = 0.0;

  @Default("false")
  @JsonPropertyDescription(
      "true pauses every node (phase Paused, snapshots kept); false resumes where it " + "stopped.")
  private Boolean suspend = false;

  @Min(0)
  @Max(20)
  @Default("3")
  @JsonPropertyDescription(
      "How many times a failing node is retried, with exponential backoff, before the "
          + "backup is Failed.")
  private Integer backoffLimit = 3;

  @Default("false")
  @JsonPropertyDescription(
      "false (default): every node of the ring must be backed up, or the backup fails naming the "
          + "missing ones. true: a node that stays down past nodeReadyTimeoutSeconds is left out "
          + "when every token range keeps a backed-up replica; status.missingNodes and the "
          + "cluster manifest list it, and a restore streams around it.")
  private Boolean allowDownNodes = false;

  @Min(0)
  @Max(86400)
  @Default("600")
  @JsonPropertyDescription(
      "How long a node of the ring without a Running, Ready pod is waited for (condition "
          + "Waiting, reason NodeNotReady) before the backup fails naming it, or leaves it out "
          + "with allowDownNodes.")
  private Integer nodeReadyTimeoutSeconds = 600;

  @Size(max = 32)
  @JsonPropertyDescription(
      "Datacenters to back up (their nodes must all be covered); empty for every datacenter of "
          + "the ring.")
  private List<@Pattern(Constraints.DATACENTER) @Size(max = 64) String> datacenters;

  @Default("Retain")
  @JsonPropertyDescription(
      "Retain keeps the backup's data in storage when this resource is deleted; Delete "
          + "removes it (shared SSTables that other backups reference stay).")
  private DeletionPolicy deletionPolicy = DeletionPolicy.Retain;

  public ClusterRef getCluster() {
    return cluster;
  }

  public void setCluster(ClusterRef cluster) {
    this.cluster = cluster;
  }

  public String getKeyspaces() {
    return keyspaces;
  }

  public void setKeyspaces(String keyspaces) {
    this.keyspaces = keyspaces;
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public Map<String, String> getDatacenterLocations() {
    return datacenterLocations;
  }

  public void setDatacenterLocations(Map<String, String> datacenterLocations) {
    this.datacenterLocations = datacenterLocations;
  }

  public BackupMode getMode() {
    return mode;
  }

  public void setMode(BackupMode mode) {
    this.mode = mode;
  }

  public Integer getSnapshotParallel() {
    return snapshotParallel;
  }

  public void setSnapshotParallel(Integer snapshotParallel) {
    this.snapshotParallel = snapshotParallel;
  }

  public Integer getUploadParallel() {
    return uploadParallel;
  }

  public void setUploadParallel(Integer uploadParallel) {
    this.uploadParallel = uploadParallel;
  }

  public Integer getFilesParallel() {
    return filesParallel;
  }

  public void setFilesParallel(Integer filesParallel) {
    this.filesParallel = filesParallel;
  }

  public Double getRateLimitMiBps() {
    return rateLimitMiBps;
  }

  public void setRateLimitMiBps(Double rateLimitMiBps) {
    this.rateLimitMiBps = rateLimitMiBps;
  }

  public Boolean getSuspend() {
    return suspend;
  }

  public void setSuspend(Boolean suspend) {
    this.suspend = suspend;
  }

  public Integer getBackoffLimit() {
    return backoffLimit;
  }

  public void setBackoffLimit(Integer backoffLimit) {
    this.backoffLimit = backoffLimit;
  }

  public DeletionPolicy getDeletionPolicy() {
    return deletionPolicy;
  }

  public void setDeletionPolicy(DeletionPolicy deletionPolicy) {
    this.deletionPolicy = deletionPolicy;
  }

  public List<@Pattern(Constraints.DATACENTER) @Size(max = 64) String> getDatacenters() {
    return datacenters;
  }

  public void setDatacenters(
      List<@Pattern(Constraints.DATACENTER) @Size(max = 64) String> datacenters) {
    this.datacenters = datacenters;
  }

  public Boolean getAllowDownNodes() {
    return allowDownNodes;
  }

  public void setAllowDownNodes(Boolean allowDownNodes) {
    this.allowDownNodes = allowDownNodes;
  }

  public Integer getNodeReadyTimeoutSeconds() {
    return nodeReadyTimeoutSeconds;
  }

  public void setNodeReadyTimeoutSeconds(Integer nodeReadyTimeoutSeconds) {
    this.nodeReadyTimeoutSeconds = nodeReadyTimeoutSeconds;
  }
}
