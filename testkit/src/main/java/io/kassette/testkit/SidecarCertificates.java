package io.kassette.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A CA and a sidecar serving certificate as the chart issues them: the certificate names the
 * sidecar by DNS name (the operator reaches pods by IP and checks that name), for tests and the
 * demo that run sidecars without the chart.
 *
 * @param ca the CA certificate the operator trusts ({@code ca.crt})
 * @param certificate the sidecar's certificate ({@code tls.crt})
 * @param key its key ({@code tls.key})
 */
public record SidecarCertificates(Path ca, Path certificate, Path key) {
  /** The name the operator expects by default ({@code spec.cluster.sidecar.serverName}). */
  public static final String SERVER_NAME = "kassette-sidecar";

  /**
   * The DNS name the operator requires of the sidecars in {@code namespace} by default, as the
   * chart issues it: {@code kassette-sidecar.<namespace>}.
   */
  public static String serverName(String namespace) {
    return SERVER_NAME + "." + namespace;
  }

  /** A new CA in {@code dir} and a certificate it signed for {@code serverName}. */
  public static SidecarCertificates issue(Path dir, String serverName) {
    try {
      OpenSsl.ca(dir, "ca", "/CN=kassette-sidecar-test-ca");
      OpenSsl.signed(
          dir,
          "ca",
          "tls",
          "/CN=" + serverName,
          "subjectAltName=DNS:" + serverName + "\nextendedKeyUsage=serverAuth\n");
      return new SidecarCertificates(
          dir.resolve("ca.crt"), dir.resolve("tls.crt"), dir.resolve("tls.key"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #issue(Path, String)} for {@link #SERVER_NAME}. */
  public static SidecarCertificates issue(Path dir) {
    return issue(dir, SERVER_NAME);
  }
}
