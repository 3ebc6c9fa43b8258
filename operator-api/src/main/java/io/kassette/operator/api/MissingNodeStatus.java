package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A node of the ring that a backup does not hold. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MissingNodeStatus {
  @JsonPropertyDescription("The node's host id.")
  private String hostId;

  @JsonPropertyDescription("Its address in the ring.")
  private String address;

  @JsonPropertyDescription("Its datacenter.")
  private String datacenter;

  @JsonPropertyDescription("Its rack.")
  private String rack;

  @JsonPropertyDescription("Its pod, when one matches the address.")
  private String pod;

  @JsonPropertyDescription("Why it is not in the backup.")
  private String reason;

  public MissingNodeStatus() {}

  public MissingNodeStatus(
      String hostId, String address, String datacenter, String rack, String pod, String reason) {
    this.hostId = hostId;
    this.address = address;
    this.datacenter = datacenter;
    this.rack = rack;
    this.pod = pod;
    this.reason = reason;
  }

  public String getHostId() {
    return hostId;
  }

  public void setHostId(String hostId) {
    this.hostId = hostId;
  }

  public String getAddress() {
    return address;
  }

  public void setAddress(String address) {
    this.address = address;
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

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}
