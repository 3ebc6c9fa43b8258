package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Totals over every node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BackupTotals {
  @JsonPropertyDescription("Files in the backup.")
  private Long files;

  @JsonPropertyDescription("Bytes in the backup.")
  private Long bytes;

  @JsonPropertyDescription("Bytes sent to storage by this backup.")
  private Long uploadedBytes;

  @JsonPropertyDescription("Bytes already in storage (deduplicated).")
  private Long skippedBytes;

  public Long getFiles() {
    return files;
  }

  public void setFiles(Long files) {
    this.files = files;
  }

  public Long getBytes() {
    return bytes;
  }

  public void setBytes(Long bytes) {
    this.bytes = bytes;
  }

  public Long getUploadedBytes() {
    return uploadedBytes;
  }

  public void setUploadedBytes(Long uploadedBytes) {
    this.uploadedBytes = uploadedBytes;
  }

  public Long getSkippedBytes() {
    return skippedBytes;
  }

  public void setSkippedBytes(Long skippedBytes) {
    this.skippedBytes = skippedBytes;
  }
}
