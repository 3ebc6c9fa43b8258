package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;

/** The Cassandra or Scylla cluster: its name in the bucket and how to find its pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterRef {
  @Required
  @Pattern(Constraints.CLUSTER_NAME)
  @Size(max = Constraints.CLUSTER_NAME_LENGTH)
  @JsonPropertyDescription(
      "Cluster name used in the bucket path (kassette/v1/<name>/...); the same for "
          + "every backup and restore of this cluster.")
  private String name;

  @Required
  @Size(max = Constraints.MAP_ENTRIES)
  @ValidationRule(value = "self.size() > 0", message = "podSelector needs at least one label")
  @JsonPropertyDescription(
      "Labels of the database pods (matchLabels); every selected pod must run the "
          + "Kassette sidecar.")
  private Map<
          String,
          @Pattern(Constraints.LABEL_VALUE) @Size(max = Constraints.LABEL_VALUE_LENGTH) String>
      podSelector;

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
