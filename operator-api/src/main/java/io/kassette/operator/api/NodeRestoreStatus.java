package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** One target node's part of a restore. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeRestoreStatus implements TrackedNode {
  @JsonPropertyDescription("The pod.")
  private String pod;

  @JsonPropertyDescription("Cassandra host id of the node.")
  private String hostId;

  @JsonPropertyDescription("Datacenter of the node.")
  private String datacenter;

  @JsonPropertyDescription(
      "Pending, Validated, Downloading, Downloaded, Importing, Imported or Failed.")
  private String state;

  @JsonPropertyDescription("Host ids of the backed-up nodes whose files this node restores.")
  private List<String> sources = new ArrayList<>();

  @JsonPropertyDescription("Name of the sidecar operation doing the work now.")
  private String operation;

  @JsonPropertyDescription("Files to restore on this node.")
  private Long filesTotal;

  @JsonPropertyDescription("Files downloaded and verified.")
  private Long filesDone;

  @JsonPropertyDescription("Bytes to restore on this node.")
  private Long bytesTotal;

  @JsonPropertyDescription("Bytes downloaded and verified.")
  private Long bytesDone;

  @JsonPropertyDescription("Failed attempts so far.")
  private Integer failures;

  @JsonPropertyDescription("When a failed node is retried (RFC 3339).")
  private String nextAttemptTime;

  @JsonPropertyDescription("The node's address in the ring (the pod IP when the node runs).")
  private String address;

  @JsonPropertyDescription(
      "Since when the node's pod is not Running and Ready (RFC 3339); unset when it is.")
  private String notReadySince;

  @JsonPropertyDescription("The transfer rate limit the node's running operation has (MiB/s).")
  private Double rateLimitMiBps;

  @JsonPropertyDescription(
      "Attempts of the node's sidecar operation whose failure is already counted in failures.")
  private Integer countedAttempts;

  @JsonPropertyDescription("The last error of this node.")
  private String error;

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getHostId() {
    return hostId;
  }

  public void setHostId(String hostId) {
    this.hostId = hostId;
  }

  public String getDatacenter() {
    return datacenter;
  }

  public void setDatacenter(String datacenter) {
    this.datacenter = datacenter;
  }

  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  public List<String> getSources() {
    return sources;
  }

  public void setSources(List<String> sources) {
    this.sources = sources;
  }

  public String getOperation() {
    return operation;
  }

  public void setOperation(String operation) {
    this.operation = operation;
  }

  public Long getFilesTotal() {
    return filesTotal;
  }

  public void setFilesTotal(Long filesTotal) {
    this.filesTotal = filesTotal;
  }

  public Long getFilesDone() {
    return filesDone;
  }

  public void setFilesDone(Long filesDone) {
    this.filesDone = filesDone;
  }

  public Long getBytesTotal() {
    return bytesTotal;
  }

  public void setBytesTotal(Long bytesTotal) {
    this.bytesTotal = bytesTotal;
  }

  public Long getBytesDone() {
    return bytesDone;
  }

  public void setBytesDone(Long bytesDone) {
    this.bytesDone = bytesDone;
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

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
  }

  public String getNotReadySince() {
    return notReadySince;
  }

  public void setNotReadySince(String notReadySince) {
    this.notReadySince = notReadySince;
  }

  public Double getRateLimitMiBps() {
    return rateLimitMiBps;
  }

  public void setRateLimitMiBps(Double rateLimitMiBps) {
    this.rateLimitMiBps = rateLimitMiBps;
  }

  public Integer getCountedAttempts() {
    return countedAttempts;
  }

  public void setCountedAttempts(Integer countedAttempts) {
    this.countedAttempts = countedAttempts;
  }
}
