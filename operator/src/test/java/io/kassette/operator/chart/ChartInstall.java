package io.kassette.operator.chart;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.kassette.testkit.KubeControlPlane;
import io.kassette.testkit.SidecarCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Helm chart installed for real ({@code helm install}) into a real API server, and clients that
 * authenticate as the chart's ServiceAccount: what the operator does with them passes exactly the
 * RBAC the chart grants, so a missing permission is a 403 the test sees. Every request of those
 * clients is recorded as {@code METHOD /path?query}, so that a test can also check that the chart
 * grants nothing unused.
 */
public final class ChartInstall implements AutoCloseable {
  private final KubeControlPlane kube;
  private final String release;
  private final String namespace;
  private final Set<String> requests = ConcurrentHashMap.newKeySet();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final List<KubernetesClient> clients = new ArrayList<>();

  private ChartInstall(KubeControlPlane kube, String release, String namespace) {
    this.kube = kube;
    this.release = release;
    this.namespace = namespace;
  }

  /**
   * {@code helm upgrade --install <release> helm/kassette -n <namespace>} with these {@code --set}
   * values. The chart's Deployment is created but never runs: no kubelet is here; the test runs the
   * operator in-process with {@link #operatorClient()} instead.
   */
  public static ChartInstall install(
      KubeControlPlane kube, String release, String namespace, Map<String, String> values) {
    installCrds(kube);
    ChartInstall c = new ChartInstall(kube, release, namespace);
    c.upgrade(values);
    return c;
  }

  /**
   * {@code kubectl apply --server-side -f crds/} (what a user or Helm does before the first
   * release) and waits until the API server serves them.
   */
  public static synchronized void installCrds(KubeControlPlane kube) {
    kube.kubectl(
        "apply",
        "--server-side",
        "--force-conflicts",
        "-f",
        KassetteChart.path().resolve("../../crds").normalize().toString());
    kube.kubectl(
        "wait",
        "--for=condition=Established",
        "--timeout=60s",
        "crd/cassandrabackups.kassette.io",
        "crd/backupschedules.kassette.io",
        "crd/cassandrarestores.kassette.io");
  }

  /** {@code helm upgrade --install} with new values. */
  public String upgrade(Map<String, String> values) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "upgrade",
                "--install",
                release,
                KassetteChart.path().toString(),
                "--namespace",
                namespace,
                "--create-namespace"));
    values.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    return kube.helm(args.toArray(String[]::new));
  }

  public String release() {
    return release;
  }

  public String namespace() {
    return namespace;
  }

  /** The chart's ServiceAccount name (the release's full name). */
  public String serviceAccount() {
    return release.contains("kassette") ? release : release + "-kassette";
  }

  /** A client authenticated as the chart's ServiceAccount, its requests recorded. */
  public KubernetesClient operatorClient() {
    try {
      KubernetesClient c =
          kube.serviceAccountClient(
              namespace,
              serviceAccount(),
              http -> http.addOrReplaceInterceptor("kassette-record", new Recorder()));
      clients.add(c);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every request of the {@link #operatorClient()}s so far, as {@code METHOD /path?query}. */
  public Set<String> operatorRequests() {
    return Set.copyOf(requests);
  }

  /** Forgets the requests recorded so far (not those refused). */
  public void forgetRequests() {
    requests.clear();
  }

  /**
   * The requests the API server answered with 403 (RBAC) or 409 (a conflict), as {@code code METHOD
   * /path?query}: none should happen.
   */
  public Set<String> refusedRequests() {
    return Set.copyOf(refused);
  }

  /**
   * The sidecar certificate the chart issued in {@code databaseNamespace} ({@code tls.crt}, {@code
   * tls.key}, as a sidecar mounts them) and the CA the chart's Deployment mounts for the operator
   * ({@code ca.crt} of the CA Secret), written to {@code dir}.
   */
  public SidecarCertificates sidecarCertificates(String databaseNamespace, Path dir) {
    KubernetesClient admin = kube.admin();
    Secret serving =
        admin.secrets().inNamespace(databaseNamespace).withName("kassette-sidecar-tls").get();
    Secret ca =
        admin.secrets().inNamespace(namespace).withName(serviceAccount() + "-sidecar-ca").get();
    if (serving == null || ca == null) {
      throw new IllegalStateException(
          "the chart made no sidecar certificate in " + databaseNamespace + " or no CA");
    }
    try {
      Files.createDirectories(dir);
      return new SidecarCertificates(
          write(dir.resolve("ca.crt"), ca.getData().get("ca.crt")),
          write(dir.resolve("tls.crt"), serving.getData().get("tls.crt")),
          write(dir.resolve("tls.key"), serving.getData().get("tls.key")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(Path file, String base64) throws IOException {
    return Files.write(file, Base64.getDecoder().decode(base64));
  }

  /** {@code helm uninstall}. */
  public String uninstall() {
    return kube.helm("uninstall", release, "--namespace", namespace, "--wait");
  }

  @Override
  public void close() {
    clients.forEach(KubernetesClient::close);
  }

  private final class Recorder implements Interceptor {
    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
      requests.add(line(request));
    }

    @Override
    public void after(
        HttpRequest request,
        HttpResponse<?> response,
        AsyncBody.Consumer<List<ByteBuffer>> consumer) {
      if (response.code() == 403 || response.code() == 409) {
        refused.add(response.code() + " " + line(request));
      }
    }

    private static String line(HttpRequest request) {
      String query = request.uri().getRawQuery();
      return request.method()
          + " "
          + request.uri().getRawPath()
          + (query == null ? "" : "?" + query);
    }
  }
}
