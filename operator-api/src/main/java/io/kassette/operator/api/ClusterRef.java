package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** The Cassandra or Scylla cluster: its name in the bucket and how to find its pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterRef {
  @Required
  @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
  @JsonPropertyDescription(
      "Cluster name used in the bucket path (kassette/v1/<name>/...); the same for "
          + "every backup and restore of this cluster.")
  private String name;

  @Required
  @ValidationRule(value = "self.size() > 0", message = "podSelector needs at least one label")
  @JsonPropertyDescription(
      "Labels of the database pods (matchLabels); every selected pod must run the "
          + "Kassette sidecar.")
  private Map<String, String> podSelector;

  @Required
  @JsonPropertyDescription("How to reach the sidecars.")
  private SidecarRef sidecar;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Map<String, String> getPodSelector() {
    return podSelector;
  }

  public void setPodSelector(Map<String, String> podSelector) {
    this.podSelector = podSelector;
  }

  public SidecarRef getSidecar() {
    return sidecar;
  }

  public void setSidecar(SidecarRef sidecar) {
    this.sidecar = sidecar;
  }
}
