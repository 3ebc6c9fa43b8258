package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A key of a Secret in the resource's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {
  @Required
  @Pattern(Constraints.OBJECT_NAME)
  @Size(max = Constraints.OBJECT_NAME_LENGTH)
  @JsonPropertyDescription("Name of the Secret.")
  private String name;

  @Default("token")
  @Pattern("^[-._a-zA-Z0-9]+$")
  @Size(max = 253)
  @JsonPropertyDescription("Key within the Secret.")
  private String key = "token";

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }
}
