package io.kassette.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.kassette.operator.api.StrictModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart: strict lint, rendering with default and non-default values, every rendered
 * manifest a valid Kubernetes object with no unknown field, and the security settings a production
 * cluster expects. What its RBAC grants is checked against the operator's real requests in {@code
 * OperatorIT}.
 */
class ChartTest {
  static final Map<String, Object> NON_DEFAULT =
      Map.ofEntries(
          Map.entry("replicaCount", 3),
          Map.entry("watchNamespaces[0]", "cassandra"),
          Map.entry("watchNamespaces[1]", "scylla"),
          Map.entry("sidecarSecretNames[0]", "kassette-sidecar"),
          Map.entry("sidecarSecretNames[1]", "cassandra-sidecar-ca-bundle"),
          Map.entry("image.tag", "0.1.0-rc1"),
          Map.entry(
              "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn", "arn:aws:iam::1:role/x"),
          Map.entry("metrics.serviceMonitor.enabled", true),
          Map.entry("networkPolicy.enabled", true),
          Map.entry("networkPolicy.databases[0].namespace", "cassandra"),
          Map.entry("networkPolicy.databases[0].podSelector.app", "cassandra"),
          Map.entry("networkPolicy.databases[0].sidecarPort", 8090),
          Map.entry("networkPolicy.podSelector", "null"),
          Map.entry(
              "networkPolicy.extraFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name",
              "monitoring"),
          Map.entry("nodeSelector.kubernetes\\.io/os", "linux"),
          Map.entry("priorityClassName", "system-cluster-critical"));

  @Test
  void lintsStrictly() {
    assertThat(KassetteChart.lintStrictly()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void rendersWithDefaultValuesIntoValidObjects() {
    List<HasMetadata> chart = KassetteChart.render(Map.of());
    assertThat(chart)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Role",
            "RoleBinding",
            "Service",
            "Deployment",
            "Secret",
            "Secret",
            "ConfigMap",
            "ConfigMap",
            "NetworkPolicy");
    assertStrict(chart);
    Deployment d = only(chart, Deployment.class);
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("ghcr.io/kassette/kassette-operator:0.1.0");
    assertThat(c.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("KASSETTE_LEADER_ELECTION_NAMESPACE");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("metadata.namespace");
            });
  }

  @Test
  void runsAsNonRootWithAReadOnlyRootAndNoPrivilegeEscalation() {
    Deployment d = only(KassetteChart.render(Map.of()), Deployment.class);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var sc = pod.getContainers().get(0).getSecurityContext();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getPrivileged()).isFalse();
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getContainers().get(0).getResources().getLimits()).containsKey("memory");
  }

  @Test
  void rendersNonDefaultValues() {
    List<HasMetadata> chart = KassetteChart.render(NON_DEFAULT);
    assertStrict(chart);
    assertThat(chart).noneMatch(r -> r instanceof ClusterRole);
    List<Role> roles = chart.stream().filter(Role.class::isInstance).map(Role.class::cast).toList();
    assertThat(roles)
        .extracting(r -> r.getMetadata().getName() + "@" + r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder(
            "kassette@cassandra",
            "kassette@scylla",
            "kassette-locks@" + KassetteChart.NAMESPACE,
            "kassette-leader-election@" + KassetteChart.NAMESPACE);
    Deployment d = only(chart, Deployment.class);
    assertThat(d.getSpec().getReplicas()).isEqualTo(3);
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).endsWith(":0.1.0-rc1");
    assertThat(c.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("KASSETTE_NAMESPACES");
              assertThat(e.getValue()).isEqualTo("cassandra,scylla");
            });
    NetworkPolicy np = only(chart, NetworkPolicy.class);
    assertThat(np.getMetadata().getNamespace()).isEqualTo("cassandra");
    var ingress = np.getSpec().getIngress();
    assertThat(ingress.get(0).getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8090));
    assertThat(ingress.get(0).getFrom().get(0).getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/name", "kassette");
    assertThat(ingress.get(0).getFrom().get(1).getNamespaceSelector().getMatchLabels())
        .as("Prometheus may scrape the sidecars' /metrics when admitted")
        .containsEntry("kubernetes.io/metadata.name", "monitoring");
    assertThat(ingress.get(1).getFrom()).as("other ports stay open").isNullOrEmpty();
    assertThat(ingress.get(1).getPorts())
        .extracting(p -> p.getPort().getIntVal() + "-" + p.getEndPort())
        .contains("1-8089", "8091-65535");
    GenericKubernetesResource monitor =
        chart.stream()
            .filter(GenericKubernetesResource.class::isInstance)
            .map(GenericKubernetesResource.class::cast)
            .filter(r -> r.getKind().equals("ServiceMonitor"))
            .findFirst()
            .orElseThrow();
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    List<PolicyRule> secretRules =
        roles.stream()
            .filter(r -> r.getMetadata().getName().equals("kassette"))
            .findFirst()
            .orElseThrow()
            .getRules()
            .stream()
            .filter(r -> r.getResources().contains("secrets"))
            .toList();
    assertThat(secretRules)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResourceNames())
                  .containsExactly("kassette-sidecar", "cassandra-sidecar-ca-bundle");
              assertThat(r.getVerbs()).containsExactly("list", "watch");
            });
  }

  @Test
  void sidecarTlsAndTheSidecarNetworkPolicyAreOnByDefault() throws Exception {
    List<HasMetadata> chart = KassetteChart.render(Map.of("databaseNamespaces", "{db1,db2}"));
    List<Secret> secrets =
        chart.stream().filter(Secret.class::isInstance).map(Secret.class::cast).toList();
    assertThat(secrets)
        .extracting(x -> x.getMetadata().getName() + "@" + x.getMetadata().getNamespace())
        .containsExactlyInAnyOrder(
            "kassette-sidecar-ca@" + KassetteChart.NAMESPACE,
            "kassette-sidecar-tls@db1",
            "kassette-sidecar-tls@db2");
    Secret ca = secrets.get(0);
    var factory = java.security.cert.CertificateFactory.getInstance("X.509");
    var caCert =
        (java.security.cert.X509Certificate)
            factory.generateCertificate(
                new java.io.ByteArrayInputStream(
                    java.util.Base64.getDecoder().decode(ca.getData().get("ca.crt"))));
    assertThat(caCert.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
    for (Secret serving : secrets.subList(1, 3)) {
      String ns = serving.getMetadata().getNamespace();
      assertThat(serving.getType()).isEqualTo("kubernetes.io/tls");
      assertThat(serving.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
      var cert =
          (java.security.cert.X509Certificate)
              factory.generateCertificate(
                  new java.io.ByteArrayInputStream(
                      java.util.Base64.getDecoder().decode(serving.getData().get("tls.crt"))));
      cert.verify(caCert.getPublicKey());
      assertThat(cert.getSubjectAlternativeNames())
          .as("the namespace in the name: one namespace's certificate is no good in another")
          .containsExactly(List.of(2, "kassette-sidecar." + ns));
      assertThat(cert.getNotAfter()).isBefore(caCert.getNotAfter());
      assertThat(serving.getMetadata().getAnnotations())
          .containsEntry("kassette.io/dns-name", "kassette-sidecar." + ns)
          .containsKeys("kassette.io/renew-after", "kassette.io/not-after", "kassette.io/issuer");
    }
    assertThat(chart)
        .filteredOn(io.fabric8.kubernetes.api.model.ConfigMap.class::isInstance)
        .map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast)
        .filteredOn(m -> m.getMetadata().getName().equals("kassette-sidecar-ca"))
        .as("the CA alone, without its key, for Prometheus, in every database namespace")
        .hasSize(2)
        .allSatisfy(
            m ->
                assertThat(m.getData().get("ca.crt"))
                    .isEqualToIgnoringWhitespace(
                        new String(
                            java.util.Base64.getDecoder().decode(ca.getData().get("ca.crt"))))
                    .doesNotContain("PRIVATE KEY"));
    var pod = only(chart, Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("KASSETTE_SIDECAR_CA");
              assertThat(e.getValue()).isEqualTo("/etc/kassette/sidecar-ca/ca.crt");
            });
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("kassette-sidecar-ca");
              assertThat(v.getSecret().getItems())
                  .as("the CA's certificate only: its key stays out of the operator's pods")
                  .extracting(i -> i.getKey())
                  .containsExactly("ca.crt");
            });
    assertThat(chart)
        .filteredOn(NetworkPolicy.class::isInstance)
        .map(NetworkPolicy.class::cast)
        .extracting(
            n ->
                n.getMetadata().getNamespace()
                    + " "
                    + n.getSpec().getPodSelector().getMatchLabels())
        .containsExactlyInAnyOrder(
            "db1 {kassette.io/sidecar=true}", "db2 {kassette.io/sidecar=true}");

    List<HasMetadata> allowing =
        KassetteChart.render(
            Map.of(
                "databaseNamespaces", "{db1}",
                "sidecarConfig.allowedLocations", "{s3://backups/prod,gs://dr/prod}"));
    assertThat(allowing)
        .filteredOn(io.fabric8.kubernetes.api.model.ConfigMap.class::isInstance)
        .map(io.fabric8.kubernetes.api.model.ConfigMap.class::cast)
        .filteredOn(m -> !m.getMetadata().getName().equals("kassette-sidecar-ca"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.getMetadata().getNamespace()).isEqualTo("db1");
              assertThat(m.getMetadata().getName()).isEqualTo("kassette-sidecar-config");
              assertThat(m.getData())
                  .containsExactly(
                      Map.entry("KASSETTE_ALLOWED_LOCATIONS", "s3://backups/prod,gs://dr/prod"));
            });
    assertThatThrownBy(
            () -> KassetteChart.render(Map.of("sidecarConfig.allowedLocations", "{s3://a b}")))
        .hasMessageContaining("sidecarConfig/allowedLocations");

    List<HasMetadata> plain =
        KassetteChart.render(Map.of("sidecarTls.enabled", false, "networkPolicy.enabled", false));
    assertThat(plain).noneMatch(r -> r instanceof Secret || r instanceof NetworkPolicy);
    assertThat(only(plain, Deployment.class).getSpec().getTemplate().getSpec().getVolumes())
        .noneMatch(v -> v.getSecret() != null);
    assertThatThrownBy(() -> KassetteChart.render(Map.of("sidecarTls.create", false)))
        .hasMessageContaining("sidecarTls.caSecretName");
    assertThat(
            KassetteChart.render(
                Map.of(
                    "sidecarTls.serverName", "kassette-sidecar",
                    "sidecarTls.create", false,
                    "sidecarTls.caSecretName", "kassette-sidecar-ca",
                    "sidecarSecretNames", "{kassette-sidecar,kassette-sidecar-ca}")))
        .as("an earlier chart's serverName is ignored; a CA Secret of one's own may be read")
        .isNotEmpty();
    for (String keyHolder : List.of("kassette-sidecar-tls", "kassette-sidecar-ca")) {
      assertThatThrownBy(
              () ->
                  KassetteChart.render(
                      Map.of("sidecarSecretNames", "{kassette-sidecar," + keyHolder + "}")))
          .as("the operator must never be allowed to read a private key")
          .hasMessageContaining("sidecarSecretNames: " + keyHolder + " holds a private key");
    }
    List<HasMetadata> own =
        KassetteChart.render(
            Map.of("sidecarTls.create", false, "sidecarTls.caSecretName", "cert-manager-ca"));
    assertThat(own).noneMatch(Secret.class::isInstance);
    assertThat(only(own, Deployment.class).getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("cert-manager-ca"));
  }

  @Test
  void disablingLeaderElectionRunsOneReplicaWithOnlyTheClusterLocksLeaseRights() {
    List<HasMetadata> chart = KassetteChart.render(Map.of("leaderElection.enabled", false));
    assertThat(only(chart, Deployment.class).getSpec().getReplicas()).isEqualTo(1);
    assertThat(chart)
        .filteredOn(r -> r instanceof Role)
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("kassette-locks");
  }

  @Test
  void valuesTheSchemaRefusesFailToRender() {
    assertThatThrownBy(() -> KassetteChart.render(Map.of("replicaCount", 0)))
        .hasMessageContaining("replicaCount");
    assertThatThrownBy(() -> KassetteChart.render(Map.of("imageTag", "x")))
        .hasMessageContaining("imageTag");
    assertThatThrownBy(() -> KassetteChart.render(Map.of("watchNamespaces[0]", "Not_A_Namespace")))
        .hasMessageContaining("watchNamespaces");
  }

  @Test
  void theChartCarriesTheGeneratedCrds() throws Exception {
    Path root = Path.of(System.getProperty("kassette.root", ".."));
    try (Stream<Path> files = Files.list(root.resolve("crds"))) {
      for (Path crd : files.filter(p -> p.toString().endsWith(".yml")).toList()) {
        Path inChart = KassetteChart.path().resolve("crds").resolve(crd.getFileName());
        assertThat(inChart).as("run make crds").exists();
        assertThat(Files.readString(inChart))
            .as(inChart + " is stale: run make crds")
            .isEqualTo(Files.readString(crd));
      }
    }
  }

  @Test
  void noRuleGrantsWildcards() {
    for (Map<String, Object> values : List.of(Map.<String, Object>of(), NON_DEFAULT)) {
      for (ChartRbac.Grant g : ChartRbac.grants(KassetteChart.render(values))) {
        assertThat(g.rule().getVerbs()).doesNotContain("*");
        assertThat(g.rule().getResources()).doesNotContain("*");
        assertThat(g.rule().getApiGroups()).doesNotContain("*");
      }
    }
  }

  static void assertStrict(List<HasMetadata> chart) {
    for (HasMetadata r : chart) {
      if (r instanceof GenericKubernetesResource) {
        continue; // a kind fabric8 has no model of (ServiceMonitor): checked field by field
      }
      assertThat(StrictModels.unknownFields(r))
          .as(r.getKind() + " " + r.getMetadata().getName() + " has unknown fields")
          .isEmpty();
      assertThat(r.getMetadata().getLabels()).containsKey("app.kubernetes.io/managed-by");
    }
  }

  static <T> T only(List<HasMetadata> chart, Class<T> type) {
    List<T> found = chart.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }
}
