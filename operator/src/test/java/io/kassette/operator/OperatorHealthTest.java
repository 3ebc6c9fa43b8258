package io.kassette.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kassette.operator.chart.ChartInstall;
import io.kassette.testkit.KubeControlPlane;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The operator binary's health and metrics endpoints, on a real API server: ready means its
 * informers listed and watch the CRDs there.
 */
class OperatorHealthTest {

  @Test
  void answersHealthReadinessAndMetricsWithoutPerResourceLabels() throws Exception {
    KubeControlPlane kube = KubeControlPlane.shared();
    try (ChartInstall chart =
        ChartInstall.install(kube, "kassette-health", "kassette-health", Map.of())) {
      KubernetesClient kubernetes = chart.operatorClient();
      try (KassetteOperator operator =
          KassetteOperator.start(
              kubernetes,
              new HttpSidecarConnector(kubernetes, Duration.ofSeconds(5), null),
              new KassetteOperator.Settings(
                  Set.of(), Duration.ofSeconds(1), Duration.ofSeconds(1), 0))) {
        URI base = URI.create("http://127.0.0.1:" + operator.healthAddress().getPort());
        HttpClient http = HttpClient.newHttpClient();
        assertThat(get(http, base.resolve("/healthz")).statusCode()).isEqualTo(200);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> get(http, base.resolve("/readyz")).statusCode() == 200);
        String metrics = get(http, base.resolve("/metrics")).body();
        assertThat(metrics)
            .contains("jvm_")
            .contains("kassette_operator_backups_total{outcome=\"succeeded\"} 0.0")
            .doesNotContain("resource.name");
      }
    }
  }

  static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
