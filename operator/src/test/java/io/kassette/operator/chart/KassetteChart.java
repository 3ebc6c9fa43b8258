package io.kassette.operator.chart;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kassette.testkit.KubeBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Helm chart {@code helm/kassette}, rendered by Helm itself: the helm binary the API server
 * tests use. (helm-java's in-process template talks to a cluster for the chart's {@code lookup}s,
 * so it cannot render without one; {@code helm template} renders them as on a first install.)
 */
public final class KassetteChart {
  public static final String NAMESPACE = "kassette-system";

  private KassetteChart() {}

  public static Path path() {
    return Path.of(System.getProperty("kassette.root", "..")).resolve("helm/kassette");
  }

  /** {@code helm template} with these {@code --set} values, one resource per document. */
  public static List<HasMetadata> render(Map<String, Object> values) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "template",
                "kassette",
                path().toString(),
                "--namespace",
                NAMESPACE,
                "--kube-version",
                "1.33.0"));
    values.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    return parse(helm(args));
  }

  /** {@code helm lint --strict}: its output; fails with it when Helm finds a problem. */
  public static String lintStrictly() {
    return helm(List.of("lint", "--strict", path().toString()));
  }

  private static String helm(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(KubeBinaries.locate().helm().toString());
    cmd.addAll(args);
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.PIPE).start();
      var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      String out = read(p.getInputStream());
      if (p.waitFor() != 0) {
        throw new IllegalStateException(out + err.join());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> resources = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
        continue;
      }
      KubernetesResource r = Serialization.unmarshal(doc);
      resources.add((HasMetadata) r);
    }
    return resources;
  }
}
