package io.kassette.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** How the operator reaches the Kassette sidecar in each database pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarRef {
  @Min(1)
  @Max(65535)
  @Default("8090")
  @JsonPropertyDescription("Port the sidecar agent listens on.")
  private Integer port = 8090;

  @Pattern("^https?$")
  @Size(max = 5)
  @Default("http")
  @JsonPropertyDescription("http, or https when the sidecar serves TLS.")
  private String scheme = "http";

  @Required
  @JsonPropertyDescription("Secret holding the bearer token the sidecars accept.")
  private SecretKeyRef tokenSecret;

  @JsonPropertyDescription(
      "Secret holding the CA certificate (PEM) of the sidecars' TLS, for https.")
  private SecretKeyRef caSecret;

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public String getScheme() {
    return scheme;
  }

  public void setScheme(String scheme) {
    this.scheme = scheme;
  }

  public SecretKeyRef getTokenSecret() {
    return tokenSecret;
  }

  public void setTokenSecret(SecretKeyRef tokenSecret) {
    this.tokenSecret = tokenSecret;
  }

  public SecretKeyRef getCaSecret() {
    return caSecret;
  }

  public void setCaSecret(SecretKeyRef caSecret) {
    this.caSecret = caSecret;
  }
}
