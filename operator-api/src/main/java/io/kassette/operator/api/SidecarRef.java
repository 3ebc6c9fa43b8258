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
  @Default("https")
  @JsonPropertyDescription(
      "https (the default: the sidecar serves TLS and the operator verifies it), or http to send"
          + " the bearer token in clear to sidecars started with --plain-http.")
  private String scheme = "https";

  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  @Size(max = 253)
  @Default("kassette-sidecar")
  @JsonPropertyDescription(
      "The sidecars' certificate must carry the DNS name <serverName>.<pod namespace>"
          + " (kassette-sidecar.cassandra for pods in namespace cassandra, as the chart issues"
          + " it). Pods are reached by IP, which changes on restart, so the operator checks this"
          + " name and the CA instead of the address; the namespace keeps one namespace's"
          + " certificate from passing for another's sidecars.")
  private String serverName = "kassette-sidecar";

  @Required
  @JsonPropertyDescription("Secret holding the bearer token the sidecars accept.")
  private SecretKeyRef tokenSecret;

  @JsonPropertyDescription(
      "Secret holding the CA certificate (PEM, key ca.crt unless named) that issued the"
          + " sidecars' certificates. Unset: the CA the operator was installed with (the"
          + " chart's sidecarTls).")
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

  public String getServerName() {
    return serverName;
  }

  public void setServerName(String serverName) {
    this.serverName = serverName;
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
