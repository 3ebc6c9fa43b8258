package io.kassette.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.agent.AgentOptions;
import io.kassette.agent.AgentServer;
import io.kassette.agent.AllowedLocations;
import io.kassette.agent.NodeConnector;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.node.CqlSchema;
import io.kassette.node.NodeAccess;
import io.kassette.node.NodeException;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.SecretKeyRef;
import io.kassette.operator.api.SidecarRef;
import io.kassette.operator.chart.ChartInstall;
import io.kassette.restore.BulkLoader;
import io.kassette.storage.StorageOptions;
import io.kassette.testkit.KubeControlPlane;
import io.kassette.testkit.SidecarCertificates;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar connector on a real API server against a real agent serving HTTPS with the
 * certificate the chart issued (no Cassandra node: what is under test is the transport, the trust
 * and the tokens): the operator verifies the sidecar by the chart's CA and the sidecar's name, not
 * by the pod IP; a rotated token works over TLS without a restart; many pods share one HTTP client;
 * a foreign CA, a wrong name, a missing CA and a Secret the chart does not name are each refused
 * with the fix in the message; {@code scheme: http} reaches a {@code --plain-http} agent.
 */
class HttpSidecarConnectorTest {
  static final String NS = "connector";
  static final String RELEASE = "kassette-connector";
  static final String FIRST = "first-token-0123456789";

  @TempDir static Path tmp;
  static KubeControlPlane kube;
  static KubernetesClient admin;
  static ChartInstall chart;
  static SidecarCertificates tls;
  static AgentServer agent;
  static TokenSecrets secrets;
  static Path tokenFile;

  static final NodeConnector NO_NODE =
      new NodeConnector() {
        @Override
        public NodeAccess connect() throws NodeException {
          throw new NodeException("no node in this test");
        }

        @Override
        public CqlSchema cqlSchema() {
          return null;
        }

        @Override
        public BulkLoader loader() {
          return null;
        }

        @Override
        public List<Path> dataDirectories() {
          return List.of();
        }
      };

  @BeforeAll
  static void start() throws Exception {
    kube = KubeControlPlane.shared();
    admin = kube.admin();
    kube.ensureNamespace(NS);
    chart =
        ChartInstall.install(
            kube,
            RELEASE,
            RELEASE,
            Map.of(
                "databaseNamespaces",
                "{" + NS + "}",
                "sidecarSecretNames",
                "{kassette-sidecar,sidecar-ca,ca-with-key}"));
    tls = chart.sidecarCertificates(NS, tmp.resolve("tls"));
    secret("kassette-sidecar", FIRST);
    tokenFile = Files.writeString(tmp.resolve("token"), FIRST);
    agent = agent(true);
    secrets = new TokenSecrets(chart.operatorClient());
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.close();
    }
    if (secrets != null) {
      secrets.close();
    }
    if (chart != null) {
      chart.close();
      kube.helm("uninstall", RELEASE, "-n", RELEASE);
    }
  }

  static AgentServer agent(boolean https) throws Exception {
    AgentOptions options =
        AgentOptions.embedded(
            new InetSocketAddress("127.0.0.1", 0),
            tokenFile,
            tmp.resolve(https ? "state" : "state-plain"),
            StorageOptions.defaults(),
            AllowedLocations.of("s3://connector"));
    return AgentServer.start(
        https ? options.withTls(tls.certificate(), tls.key()) : options, NO_NODE);
  }

  @Test
  void theChartsCertificateIsVerifiedByCaAndNameAndARotatedTokenWorksOverTls() throws Exception {
    HttpSidecarConnector connector =
        new HttpSidecarConnector(secrets, Duration.ofSeconds(5), tls.ca());
    ClusterRef cluster = cluster("kassette-sidecar", agent.address().getPort());
    assertThat(cluster.getSidecar().getScheme())
        .as("TLS unless a resource opts out")
        .isEqualTo("https");
    for (int i = 0; i < 20; i++) {
      assertThat(connector.connect(NS, pod("p-" + i, "127.0.0.1"), cluster).operations()).isEmpty();
    }
    assertThat(connector.transportsKept()).as("twenty pods, one HTTP client").isEqualTo(1);
    assertThat(connector.clientsKept()).isEqualTo(20);

    // Rotation as Kubernetes does it: the Secret changes, the kubelet updates the agent's file.
    SidecarClient client = connector.connect(NS, pod("p-0", "127.0.0.1"), cluster);
    String rotated = "rotated-token-9876543210";
    secret("kassette-sidecar", rotated);
    Files.writeString(tokenFile, rotated);
    Files.setLastModifiedTime(tokenFile, FileTime.fromMillis(System.currentTimeMillis() + 5000));
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(SidecarException.class)
        .untilAsserted(() -> assertThat(client.operations()).isEmpty());
    secret("kassette-sidecar", FIRST);
    Files.writeString(tokenFile, FIRST);
    Files.setLastModifiedTime(tokenFile, FileTime.fromMillis(System.currentTimeMillis() + 10000));
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreException(SidecarException.class)
        .untilAsserted(() -> assertThat(client.operations()).isEmpty());
  }

  @Test
  void aSidecarOfAnotherCaOrNameOrNoCaAtAllIsRefusedNamingTheFix() throws Exception {
    SidecarCertificates foreign =
        SidecarCertificates.issue(tmp.resolve("foreign"), SidecarCertificates.serverName(NS));
    ClusterRef cluster = cluster("kassette-sidecar", agent.address().getPort());
    SidecarClient untrusting =
        new HttpSidecarConnector(secrets, Duration.ofSeconds(5), foreign.ca())
            .connect(NS, pod("p-0", "127.0.0.1"), cluster);
    assertThatThrownBy(untrusting::operations)
        .isInstanceOf(SidecarException.class)
        .hasMessageContaining("SSLHandshakeException")
        .hasMessageContaining("does not chain to the CA in the operator's sidecar CA")
        .hasMessageContaining("KASSETTE_SIDECAR_CA")
        .hasMessageNotContaining(FIRST);

    ClusterRef renamed = cluster("kassette-sidecar", agent.address().getPort());
    renamed.getSidecar().setServerName("cassandra-sidecar");
    SidecarClient wrongName =
        new HttpSidecarConnector(secrets, Duration.ofSeconds(5), tls.ca())
            .connect(NS, pod("p-0", "127.0.0.1"), renamed);
    assertThatThrownBy(wrongName::operations)
        .isInstanceOf(SidecarException.class)
        .hasMessageContaining("names [kassette-sidecar.connector], not cassandra-sidecar.connector")
        .hasMessageContaining("spec.cluster.sidecar.serverName");

    assertThatThrownBy(
            () ->
                new HttpSidecarConnector(secrets, Duration.ofSeconds(5), null)
                    .connect(NS, pod("p-0", "127.0.0.1"), cluster))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spec.cluster.sidecar.caSecret")
        .hasMessageContaining("sidecarTls.enabled=true")
        .hasMessageContaining("scheme: http");

    secret("not-in-the-chart", "x");
    assertThatThrownBy(
            () ->
                new HttpSidecarConnector(secrets, Duration.ofSeconds(5), tls.ca())
                    .connect(NS, pod("p-0", "127.0.0.1"), cluster("not-in-the-chart", 1)))
        .isInstanceOf(TokenSecrets.SecretUnavailableException.class)
        .hasMessageContaining("not-in-the-chart")
        .hasMessageContaining("sidecarSecretNames");
  }

  /**
   * One CA serves every database namespace, so a certificate (and the key a namespace's admins can
   * read) must not pass for the sidecars of another namespace: the name carries the namespace.
   */
  @Test
  void oneNamespacesCertificateDoesNotPassForAnothersSidecars() throws Exception {
    Pod elsewhere = pod("p-0", "127.0.0.1");
    elsewhere.getMetadata().setNamespace("payments");
    SidecarClient impostor =
        new HttpSidecarConnector(secrets, Duration.ofSeconds(5), tls.ca())
            .connect(NS, elsewhere, cluster("kassette-sidecar", agent.address().getPort()));
    assertThatThrownBy(impostor::operations)
        .isInstanceOf(SidecarException.class)
        .hasMessageContaining("names [kassette-sidecar.connector], not kassette-sidecar.payments");
  }

  @Test
  void aCaSecretThatHoldsAPrivateKeyIsRefused() {
    ClusterRef cluster =
        clusterTrusting("ca-with-key", Map.of("ca.crt", "x", "tls.crt", "x", "tls.key", "x"));
    HttpSidecarConnector connector = new HttpSidecarConnector(secrets, Duration.ofSeconds(5), null);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> connector.connect(NS, pod("p-0", "127.0.0.1"), cluster))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("spec.cluster.sidecar.caSecret")
                    .hasMessageContaining("also holds a private key (tls.key)"));
  }

  @Test
  void plainHttpIsAnExplicitOptOut() throws Exception {
    try (AgentServer plain = agent(false)) {
      ClusterRef cluster = cluster("kassette-sidecar", plain.address().getPort());
      HttpSidecarConnector connector =
          new HttpSidecarConnector(secrets, Duration.ofSeconds(5), tls.ca());
      SidecarClient https = connector.connect(NS, pod("p-0", "127.0.0.1"), cluster);
      assertThatThrownBy(https::operations).isInstanceOf(SidecarException.class);
      cluster.getSidecar().setScheme("http");
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreException(SidecarException.class)
          .untilAsserted(
              () ->
                  assertThat(connector.connect(NS, pod("p-0", "127.0.0.1"), cluster).operations())
                      .isEmpty());
    }
  }

  @Test
  void aResourceMayNameTheCaSecretItself() throws Exception {
    ClusterRef cluster =
        clusterTrusting("sidecar-ca", Map.of("ca.crt", Files.readString(tls.ca())));
    HttpSidecarConnector connector = new HttpSidecarConnector(secrets, Duration.ofSeconds(5), null);
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(connector.connect(NS, pod("p-0", "127.0.0.1"), cluster).operations())
                    .isEmpty());
  }

  /**
   * The agent's cluster, naming as its caSecret the Secret {@code name}, made with {@code data}.
   */
  static ClusterRef clusterTrusting(String name, Map<String, String> data) {
    putSecret(name, data);
    ClusterRef cluster = cluster("kassette-sidecar", agent.address().getPort());
    SecretKeyRef ca = new SecretKeyRef();
    ca.setName(name);
    cluster.getSidecar().setCaSecret(ca);
    return cluster;
  }

  static void secret(String name, String token) {
    putSecret(name, Map.of("token", token));
  }

  static void putSecret(String name, Map<String, String> data) {
    admin
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withStringData(data)
                .build())
        .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
  }

  static Pod pod(String name, String ip) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .withUid("uid-" + name)
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .endStatus()
        .build();
  }

  static ClusterRef cluster(String secret, int port) {
    SecretKeyRef token = new SecretKeyRef();
    token.setName(secret);
    SidecarRef sidecar = new SidecarRef();
    sidecar.setPort(port);
    sidecar.setTokenSecret(token);
    ClusterRef c = new ClusterRef();
    c.setName("c");
    c.setPodSelector(Map.of("app", "x"));
    c.setSidecar(sidecar);
    return c;
  }
}
