package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a backup stores its SSTables. */
public enum BackupMode {
  /** each SSTable once in the node's shared pool, referenced by every backup that holds it */
  @JsonProperty("differential")
  DIFFERENTIAL,
  /** the backup's own copy (server-side copy from the pool where the store supports it) */
  @JsonProperty("full")
  FULL;

  /** The sidecar API's spelling. */
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
