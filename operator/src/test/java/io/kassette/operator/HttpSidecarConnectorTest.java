package io.kassette.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.api.SidecarClient;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.SecretKeyRef;
import io.kassette.operator.api.SidecarRef;
import io.kassette.operator.chart.ChartInstall;
import io.kassette.testkit.KubeControlPlane;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The sidecar connector on a real API server, against a tiny HTTP endpoint standing in for the
 * agent's {@code /v1/node} (what is under test is the connector: tokens and clients, not the
 * agent): the token comes from an informer cache and follows a rotation; many pods share one HTTP
 * client; a Secret the chart does not name is refused with the fix in the message.
 */
class HttpSidecarConnectorTest {
  static final String NS = "connector";

  @Test
  void tokensComeFromTheCacheFollowARotationAndPodsShareOneHttpClient() throws Exception {
    KubeControlPlane kube = KubeControlPlane.shared();
    kube.ensureNamespace(NS);
    KubernetesClient admin = kube.admin();
    secret(admin, "kassette-sidecar", "first-token");
    List<String> seen = new CopyOnWriteArrayList<>();
    HttpServer agent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    agent.createContext(
        "/v1/node",
        ex -> {
          seen.add(ex.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              "{\"hostId\":\"h\",\"cluster\":\"c\",\"datacenter\":\"dc1\",\"rack\":\"r\"}"
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    agent.start();
    TokenSecrets secrets = null;
    try (ChartInstall chart =
        ChartInstall.install(kube, "kassette-connector", "kassette-connector", Map.of())) {
      secrets = new TokenSecrets(chart.operatorClient());
      HttpSidecarConnector connector = new HttpSidecarConnector(secrets, Duration.ofSeconds(5));
      ClusterRef cluster = cluster("kassette-sidecar", agent.getAddress().getPort());
      for (int i = 0; i < 20; i++) {
        connector.connect(NS, pod("p-" + i, "127.0.0.1"), cluster).node();
      }
      assertThat(seen).hasSize(20).allMatch("Bearer first-token"::equals);
      assertThat(connector.transportsKept()).as("twenty pods, one HTTP client").isEqualTo(1);
      assertThat(connector.clientsKept()).isEqualTo(20);

      SidecarClient client = connector.connect(NS, pod("p-0", "127.0.0.1"), cluster);
      secret(admin, "kassette-sidecar", "rotated-token");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                client.node();
                assertThat(seen.get(seen.size() - 1)).isEqualTo("Bearer rotated-token");
              });

      secret(admin, "not-in-the-chart", "x");
      assertThatThrownBy(
              () -> connector.connect(NS, pod("p-0", "127.0.0.1"), cluster("not-in-the-chart", 1)))
          .isInstanceOf(TokenSecrets.SecretUnavailableException.class)
          .hasMessageContaining("not-in-the-chart")
          .hasMessageContaining("sidecarSecretNames");
    } finally {
      if (secrets != null) {
        secrets.close();
      }
      kube.helm("uninstall", "kassette-connector", "-n", "kassette-connector");
      agent.stop(0);
    }
  }

  static void secret(KubernetesClient admin, String name, String token) {
    admin
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withStringData(Map.of("token", token))
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
