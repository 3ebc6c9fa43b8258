package io.kassette.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.operator.HttpSidecarConnector;
import io.kassette.operator.KassetteOperator;
import io.kassette.operator.api.BackupPhase;
import io.kassette.operator.api.CassandraBackup;
import io.kassette.operator.backup.BackupSpecValidatorTest;
import io.kassette.testkit.KubeControlPlane;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart as a user meets it, on a real API server: {@code helm install}, the operator
 * working under exactly the RBAC the chart grants (cluster-wide, then per-namespace Roles after
 * {@code helm upgrade} to watchNamespaces), the sidecar certificates issued where the databases are
 * and kept across upgrades with their CA, and {@code helm uninstall} leaving only the CRDs.
 */
class ChartInstallIT {
  static final String RELEASE = "kassette-chart";
  static final String NS = "kassette-chart";
  static final String SELECTOR = "app.kubernetes.io/instance=" + RELEASE;

  final KubeControlPlane kube = KubeControlPlane.shared();

  @Test
  void installUpgradeToWatchNamespacesAndUninstallLeavesOnlyTheCrds() throws Exception {
    for (String ns : List.of("team-a", "team-b", "team-c")) {
      kube.ensureNamespace(ns);
    }
    try (ChartInstall chart = ChartInstall.install(kube, RELEASE, NS, Map.of())) {
      assertThat(kube.helm("status", RELEASE, "-n", NS)).contains("STATUS: deployed");
      assertThat(names("clusterrole,clusterrolebinding"))
          .contains("clusterrole.rbac.authorization.k8s.io/" + RELEASE);
      assertThat(names("deployment,serviceaccount,role,rolebinding,service", NS))
          .contains(
              "deployment.apps/" + RELEASE,
              "serviceaccount/" + RELEASE,
              "role.rbac.authorization.k8s.io/" + RELEASE + "-leader-election");

      // Cluster-wide: a backup in any namespace is reconciled under the chart's ClusterRole.
      try (KassetteOperator operator = start(chart, Set.of())) {
        create("team-c", "anywhere");
        awaitWaiting("team-c", "anywhere");
      }
      assertThat(chart.refusedRequests()).as("nothing refused under the ClusterRole").isEmpty();

      String ca = data(NS, RELEASE + "-sidecar-ca", "ca.crt");
      assertThat(data(NS, "kassette-sidecar-tls", "ca.crt"))
          .as("the sidecars' certificate, in the release namespace by default, from its CA")
          .isEqualTo(ca);

      String upgraded =
          chart.upgrade(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b"));
      assertThat(upgraded).contains("has been upgraded");
      assertThat(data(NS, RELEASE + "-sidecar-ca", "ca.crt"))
          .as("the CA outlives upgrades")
          .isEqualTo(ca);
      String teamA = data("team-a", "kassette-sidecar-tls", "tls.crt");
      assertThat(data("team-a", "kassette-sidecar-tls", "ca.crt")).isEqualTo(ca);
      assertThat(data("team-b", "kassette-sidecar-tls", "ca.crt")).isEqualTo(ca);
      assertThat(names("secret", NS)).noneMatch(n -> n.endsWith("/kassette-sidecar-tls"));
      assertThat(names("networkpolicy", "team-a"))
          .containsExactly("networkpolicy.networking.k8s.io/" + RELEASE + "-sidecar-0");
      chart.upgrade(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b"));
      assertThat(data("team-a", "kassette-sidecar-tls", "tls.crt"))
          .as("a certificate with most of its life left is kept: the sidecars need no new one")
          .isEqualTo(teamA);

      // A certificate issued for another name (as before the namespace was in it) is re-issued.
      kube.kubectl(
          "annotate",
          "secret",
          "kassette-sidecar-tls",
          "-n",
          "team-a",
          "--overwrite",
          "kassette.io/dns-name=kassette-sidecar");
      chart.upgrade(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b"));
      String reissued = data("team-a", "kassette-sidecar-tls", "tls.crt");
      assertThat(reissued).isNotEqualTo(teamA);
      assertThat(certificate(reissued).getSubjectAlternativeNames())
          .containsExactly(List.of(2, "kassette-sidecar.team-a"));

      // A CA two thirds through its life is replaced; the old one stays trusted (ca.crt holds
      // both) until it expires, and every certificate is re-issued by the new one.
      String oldCaCert = data(NS, RELEASE + "-sidecar-ca", "tls.crt");
      kube.kubectl(
          "annotate",
          "secret",
          RELEASE + "-sidecar-ca",
          "-n",
          NS,
          "--overwrite",
          "kassette.io/renew-after=1");
      chart.upgrade(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b"));
      String newCaCert = data(NS, RELEASE + "-sidecar-ca", "tls.crt");
      assertThat(newCaCert).isNotEqualTo(oldCaCert);
      assertThat(data(NS, RELEASE + "-sidecar-ca", "previous.crt")).isEqualTo(oldCaCert);
      String trusted = decode(data(NS, RELEASE + "-sidecar-ca", "ca.crt"));
      assertThat(trusted).contains(decode(newCaCert).strip(), decode(oldCaCert).strip());
      for (String ns : List.of("team-a", "team-b")) {
        certificate(data(ns, "kassette-sidecar-tls", "tls.crt"))
            .verify(certificate(newCaCert).getPublicKey());
        assertThat(data(ns, "kassette-sidecar-tls", "ca.crt"))
            .isEqualTo(data(NS, RELEASE + "-sidecar-ca", "ca.crt"));
      }
      assertThat(names("clusterrole,clusterrolebinding")).noneMatch(n -> n.endsWith("/" + RELEASE));
      for (String ns : List.of("team-a", "team-b")) {
        assertThat(names("role,rolebinding", ns))
            .contains(
                "role.rbac.authorization.k8s.io/" + RELEASE,
                "rolebinding.rbac.authorization.k8s.io/" + RELEASE);
      }
      assertThat(names("role", "team-c")).noneMatch(n -> n.endsWith("/" + RELEASE));

      // Per namespace: the watched ones are reconciled, the others are not even read.
      chart.forgetRequests();
      try (KassetteOperator operator = start(chart, Set.of("team-a", "team-b"))) {
        create("team-b", "watched");
        create("team-c", "unwatched");
        awaitWaiting("team-b", "watched");
        Thread.sleep(2000);
        assertThat(get("team-c", "unwatched").getStatus()).isNull();
      }
      assertThat(chart.refusedRequests()).as("nothing refused under the Roles").isEmpty();
      assertThat(chart.operatorRequests()).noneMatch(r -> r.contains("/namespaces/team-c/"));

      assertThat(chart.uninstall()).contains("uninstalled");
    }
    String everything =
        "clusterrole,clusterrolebinding,role,rolebinding,serviceaccount,deployment,service,"
            + "networkpolicy,configmap,secret";
    assertThat(kube.kubectl("get", everything, "-A", "-l", SELECTOR, "-o", "name"))
        .as("helm uninstall leaves nothing of the release")
        .isBlank();
    assertThat(kube.kubectl("get", "crd", "-o", "name"))
        .as("the CRDs stay (Helm never deletes them: that would delete every backup resource)")
        .contains("cassandrabackups.kassette.io", "cassandrarestores.kassette.io");
  }

  static String decode(String base64) {
    return new String(
        java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.US_ASCII);
  }

  static java.security.cert.X509Certificate certificate(String base64) throws Exception {
    return (java.security.cert.X509Certificate)
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new java.io.ByteArrayInputStream(java.util.Base64.getDecoder().decode(base64)));
  }

  String data(String namespace, String secret, String key) {
    var s = kube.admin().secrets().inNamespace(namespace).withName(secret).get();
    assertThat(s).as("Secret " + namespace + "/" + secret).isNotNull();
    return s.getData().get(key);
  }

  KassetteOperator start(ChartInstall chart, Set<String> namespaces) throws Exception {
    KubernetesClient client = chart.operatorClient();
    return KassetteOperator.start(
        client,
        new HttpSidecarConnector(client, Duration.ofSeconds(5), null),
        new KassetteOperator.Settings(
                namespaces, Duration.ofMillis(500), Duration.ofMillis(500), -1)
            .withLeaderElection(NS));
  }

  void create(String ns, String name) {
    CassandraBackup b = new CassandraBackup();
    b.getMetadata().setName(name);
    b.getMetadata().setNamespace(ns);
    b.setSpec(BackupSpecValidatorTest.valid());
    b.getSpec().setLocation("s3://backups/" + ns);
    kube.admin().resource(b).create();
  }

  CassandraBackup get(String ns, String name) {
    return kube.admin().resources(CassandraBackup.class).inNamespace(ns).withName(name).get();
  }

  /**
   * No pod matches: the backup waits, with a condition that says so (status patched, pods read).
   */
  void awaitWaiting(String ns, String name) {
    await()
        .atMost(Duration.ofMinutes(1))
        .untilAsserted(
            () -> {
              CassandraBackup b = get(ns, name);
              assertThat(b.getStatus()).isNotNull();
              assertThat(b.getStatus().getPhase()).isEqualTo(BackupPhase.Pending);
              assertThat(b.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("Waiting");
                        assertThat(c.getStatus()).isEqualTo("True");
                      });
            });
  }

  List<String> names(String kinds, String... namespace) {
    String out =
        namespace.length == 0
            ? kube.kubectl("get", kinds, "-l", SELECTOR, "-o", "name")
            : kube.kubectl("get", kinds, "-n", namespace[0], "-l", SELECTOR, "-o", "name");
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }
}
