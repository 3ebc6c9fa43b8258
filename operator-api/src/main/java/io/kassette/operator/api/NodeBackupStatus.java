package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One node's part of a backup. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeBackupStatus implements TrackedNode {
  @JsonPropertyDescription("The pod.")
  private String pod;

  @JsonPropertyDescription("Cassandra host id of the node.")
  private String hostId;

  @JsonPropertyDescription("Datacenter of the node.")
  private String datacenter;

  @JsonPropertyDescription("Rack of the node.")
  private String rack;

  @JsonPropertyDescription("Where this node's files go.")
  private String location;

  @JsonPropertyDescription("Where this node is.")
  private NodeBackupState state;

  @JsonPropertyDescription("Name of the sidecar operation doing the work.")
  private String operation;

  @JsonPropertyDescription("Files in the snapshot.")
  private Long filesTotal;

  @JsonPropertyDescription("Files stored (uploaded or already there).")
  private Long filesDone;

  @JsonPropertyDescription("Bytes in the snapshot.")
  private Long bytesTotal;

  @JsonPropertyDescription("Bytes sent to storage by this backup.")
  private Long bytesUploaded;

  @JsonPropertyDescription("Bytes already in storage, not sent again.")
  private Long bytesSkipped;

  @JsonPropertyDescription("Bytes stored (sent or already there).")
  private Long bytesDone;

  @JsonPropertyDescription("Failed attempts so far.")
  private Integer failures;

  @JsonPropertyDescription("When a failed node is retried (RFC 3339).")
  private String nextAttemptTime;

  @JsonPropertyDescription(
      "Attempts of the node's sidecar operation whose failure is already counted in failures.")
  private Integer countedAttempts;

  @JsonPropertyDescription("The node's address in the ring (the pod IP when the node runs).")
  private String address;

  @JsonPropertyDescription(
      "Since when the node's pod is not Running and Ready (RFC 3339); unset when it is.")
  private String notReadySince;

  @JsonPropertyDescription("The transfer rate limit the node's running operation has (MiB/s).")
  private Double rateLimitMiBps;

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

  public String getRack() {
    return rack;
  }

  public void setRack(String rack) {
    this.rack = rack;
  }

  public String getLocation() {
    return location;
  }

  public void setLocation(String location) {
    this.location = location;
  }

  public NodeBackupState getState() {
    return state;
  }

  public void setState(NodeBackupState state) {
    this.state = state;
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

  public Long getBytesUploaded() {
    return bytesUploaded;
  }

  public void setBytesUploaded(Long bytesUploaded) {
    this.bytesUploaded = bytesUploaded;
  }

  public Long getBytesSkipped() {
    return bytesSkipped;
  }

  public void setBytesSkipped(Long bytesSkipped) {
    this.bytesSkipped = bytesSkipped;
  }

  public Long getBytesDone() {
    return bytesDone;
  }

  public void setBytesDone(Long bytesDone) {
    this.bytesDone = bytesDone;
  }

  public Integer getCountedAttempts() {
    return countedAttempts;
  }

  public void setCountedAttempts(Integer countedAttempts) {
    this.countedAttempts = countedAttempts;
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
}
