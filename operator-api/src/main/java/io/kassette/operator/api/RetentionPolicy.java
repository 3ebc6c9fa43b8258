package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;

/** How many backups of a schedule stay in storage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetentionPolicy {
  @Min(1)
  @Default("7")
  @JsonPropertyDescription("Complete backups to keep, newest first; failed backups never count.")
  private Integer keepLast = 7;

  @Min(0)
  @Default("0")
  @JsonPropertyDescription(
      "Backups older than this are purged, but never the last complete one; 0 for no "
          + "age limit.")
  private Integer maxAgeDays = 0;

  public Integer getKeepLast() {
    return keepLast;
  }

  public void setKeepLast(Integer keepLast) {
    this.keepLast = keepLast;
  }

  public Integer getMaxAgeDays() {
    return maxAgeDays;
  }

  public void setMaxAgeDays(Integer maxAgeDays) {
    this.maxAgeDays = maxAgeDays;
  }
}
