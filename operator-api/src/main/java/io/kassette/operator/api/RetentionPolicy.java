package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * How many of a schedule's backups stay in storage. A purge runs after each successful scheduled
 * backup, in every location of the template, and counts only this schedule's complete backups.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RetentionPolicy {
  static final String DURATION = "^([0-9]+[smhd]|P[0-9A-Z]+)$";

  @Min(1)
  @Default("7")
  @JsonPropertyDescription(
      "Complete backups to keep, newest first; failed backups never count and the newest "
          + "complete one is never deleted.")
  private Integer keepLast = 7;

  @Pattern(DURATION)
  @Size(max = 32)
  @JsonPropertyDescription(
      "Also keep complete backups younger than this, e.g. 14d or 36h (ISO-8601 P14D works "
          + "too). Unset: keepLast alone decides.")
  private String keepWithin;

  @Pattern(DURATION)
  @Size(max = 32)
  @Default("6h")
  @JsonPropertyDescription(
      "Pooled SSTables that no remaining backup references, and incomplete backups, are "
          + "deleted only once older than this, so that a backup running meanwhile (another "
          + "schedule's, a manual one, the CLI) keeps its fresh uploads. Keep it above your "
          + "longest backup.")
  private String grace = "6h";

  public Integer getKeepLast() {
    return keepLast;
  }

  public void setKeepLast(Integer keepLast) {
    this.keepLast = keepLast;
  }

  public String getKeepWithin() {
    return keepWithin;
  }

  public void setKeepWithin(String keepWithin) {
    this.keepWithin = keepWithin;
  }

  public String getGrace() {
    return grace;
  }

  public void setGrace(String grace) {
    this.grace = grace;
  }
}
