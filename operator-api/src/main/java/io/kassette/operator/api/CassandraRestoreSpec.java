package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.Map;

/** Which backup to restore into which cluster. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CassandraRestoreSpec {
  @Required
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
  @JsonPropertyDescription(
      "Name of the backup in the bucket (a CassandraBackup's status.backupName).")
  private String backup;

  @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
  @JsonPropertyDescription(
      "Cluster name the backup was taken under; defaults to the target cluster's name.")
  private String sourceCluster;

  @Required
  @Pattern("^((s3|gs)://[a-z0-9][a-z0-9._-]{1,220}(/[^\\s]*)?|file:///[^\\s]+)$")
  @JsonPropertyDescription(
      "Where the backup is: s3://bucket/prefix, gs://bucket/prefix or file:///path.")
  private String location;

  @Required
  @JsonPropertyDescription("The cluster to restore into (the same or another).")
  private ClusterRef cluster;

  @Pattern(
      "^\\s*!?[A-Za-z0-9_*?]+(\\.[A-Za-z0-9_*?]+)?(\\s*,\\s*!?[A-Za-z0-9_*?]+(\\.[A-Za-z0-9_*?]+)?)*\\s*$")
  @JsonPropertyDescription("Backed-up tables to restore, as globs; empty for all.")
  private String keyspaces;

  @Default("true")
  @JsonPropertyDescription("Truncate each table first, so it holds exactly the backed-up rows.")
  private Boolean truncate = true;

  @Pattern("^(auto|import|load)$")
  @Default("auto")
  @JsonPropertyDescription(
      "auto (import into the same topology, stream into another), import or load.")
  private String mode = "auto";

  @JsonPropertyDescription("Backed-up keyspace.table to the keyspace.table to restore into.")
  private Map<String, String> renames;

  @Min(0)
  @Max(20)
  @Default("3")
  @JsonPropertyDescription("How many times a failing node is retried before the restore is Failed.")
  private Integer backoffLimit = 3;

  public String getBackup() {
    return backup;
  }

  public void setBackup(String backup) {
    this.backup = backup;
  }

  public String getSourceCluster() {
    return sourceCluster;
  }

  public void setSourceCluster(String sourceCluster) {
    this.sourceCluster = sourceCluster;
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
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

  public Map<String, String> getRenames() {
    return renames;
  }

  public void setRenames(Map<String, String> renames) {
    this.renames = renames;
  }

  public Integer getBackoffLimit() {
    return backoffLimit;
  }

  public void setBackoffLimit(Integer backoffLimit) {
    this.backoffLimit = backoffLimit;
  }
}
