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
import java.util.Map;

/**
 * Which backup to restore into which cluster. Immutable once created, except suspend, parallel,
 * filesParallel, rateLimitMiBps and backoffLimit (rules on {@link CassandraRestore}, where a rule
 * also sees a field being removed).
 */
@ValidationRule(
    value = "has(self.backupRef) || (has(self.backup) && has(self.location))",
    message = "set backupRef, or backup and location")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CassandraRestoreSpec {
  @Pattern(Constraints.OBJECT_NAME)
  @Size(max = Constraints.OBJECT_NAME_LENGTH)
  @JsonPropertyDescription(
      "Name of a CassandraBackup in this namespace to restore; its location, cluster "
          + "and backup name are used. Or give location and backup instead (disaster "
          + "recovery, when the CassandraBackup is gone).")
  private String backupRef;

  @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
  @Size(max = 200)
  @JsonPropertyDescription(
      "Name of the backup in the bucket (a CassandraBackup's status.backupName).")
  private String backup;

  @Pattern(Constraints.LOCATION)
  @Size(max = Constraints.LOCATION_LENGTH)
  @JsonPropertyDescription(
      "Where the backup is: s3://bucket/prefix, gs://bucket/prefix, az://container/prefix (Azure Blob Storage) or file:///path.")
  private String location;

  @Pattern(Constraints.CLUSTER_NAME)
  @Size(max = Constraints.CLUSTER_NAME_LENGTH)
  @JsonPropertyDescription(
      "Cluster name the backup was taken under; defaults to the target cluster's name.")
  private String sourceCluster;

  @Required
  @JsonPropertyDescription("The cluster to restore into (the same or another).")
  private ClusterRef cluster;

  @Pattern(Constraints.TABLE_GLOBS)
  @Size(max = Constraints.TABLE_GLOBS_LENGTH)
  @JsonPropertyDescription(
      "Backed-up tables to restore, as keyspace or keyspace.table globs; empty for all.")
  private String keyspaces;

  @Size(max = Constraints.MAP_ENTRIES)
  @JsonPropertyDescription("Backed-up keyspace.table to the keyspace.table to restore into.")
  private Map<String, @Pattern(Constraints.QUALIFIED_TABLE) @Size(max = 2 * 48 + 1) String> renames;

  @Size(max = Constraints.MAP_ENTRIES)
  @JsonPropertyDescription(
      "Per keyspace, the CQL replication map used when the restore creates the keyspace"
          + " (another cluster's datacenters), e.g. app: "
          + "\"{'class':'NetworkTopologyStrategy','dc1':3}\".")
  private Map<String, @Size(max = 1024) String> replication;

  @Default("true")
  @JsonPropertyDescription(
      "Truncate each table (once, after every node holds its verified files) so it ends"
          + " with exactly the backed-up rows; false merges them with the existing rows.")
  private Boolean truncate = true;

  @Pattern("^(auto|import|load)$")
  @Size(max = 6)
  @Default("auto")
  @JsonPropertyDescription(
      "auto (import where the nodes are the backed-up ones, stream with the bulk loader"
          + " otherwise), import or load.")
  private String mode = "auto";

  @Min(1)
  @Default("2")
  @JsonPropertyDescription("Nodes downloading or importing at once.")
  private Integer parallel = 2;

  @Min(1)
  @Max(256)
  @Default("4")
  @JsonPropertyDescription("Files each node downloads at once.")
  private Integer filesParallel = 4;

  @Min(0)
  @Default("0")
  @ValidationRule(
      value = "self == 0.0 || self >= 0.01",
      message = "rateLimitMiBps must be 0 (no limit) or at least 0.01 MiB/s")
  @JsonPropertyDescription(
      "Download (and, in load mode, streaming) limit per node in MiB/s; 0 for none. May change"
          + " while the restore runs: the running downloads take it within a second.")
  private Double rateLimitMiBps = 0.0;

  @Default("false")
  @JsonPropertyDescription("true pauses the download (nothing truncated yet); false resumes.")
  private Boolean suspend = false;

  @Min(0)
  @Max(86400)
  @Default("600")
  @JsonPropertyDescription(
      "How long a node of the target ring without a Running, Ready pod is waited for before "
          + "the restore fails naming it. Also how long a restore deleted while it truncates or "
          + "imports waits for a sidecar that does not answer, and after which a step still "
          + "running is named in a Warning.")
  private Integer nodeReadyTimeoutSeconds = 600;

  @Min(0)
  @Max(20)
  @Default("3")
  @JsonPropertyDescription("How many times a failing node is retried before the restore is Failed.")
  private Integer backoffLimit = 3;

  public String getBackupRef() {
    return backupRef;
  }

  public void setBackupRef(String backupRef) {
    this.backupRef = backupRef;
  }

  public String getBackup() {
    return backup;
  }

  public void setBackup(String backup) {
    this.backup = backup;
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

  public Map<String, String> getRenames() {
    return renames;
  }

  public void setRenames(Map<String, String> renames) {
    this.renames = renames;
  }

  public Map<String, String> getReplication() {
    return replication;
  }

  public void setReplication(Map<String, String> replication) {
    this.replication = replication;
  }

  public Boolean getTruncate() {
    return truncate;
  }

  public void setTruncate(Boolean truncate) {
    this.truncate = truncate;
  }

  public String getMode() {
    return mode;
  }

  public void setMode(String mode) {
    this.mode = mode;
  }

  public Integer getParallel() {
    return parallel;
  }

  public void setParallel(Integer parallel) {
    this.parallel = parallel;
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

  public Integer getNodeReadyTimeoutSeconds() {
    return nodeReadyTimeoutSeconds;
  }

  public void setNodeReadyTimeoutSeconds(Integer nodeReadyTimeoutSeconds) {
    this.nodeReadyTimeoutSeconds = nodeReadyTimeoutSeconds;
  }
}
