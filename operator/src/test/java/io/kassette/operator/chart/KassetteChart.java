package io.kassette.operator.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The Helm chart {@code helm/kassette}, rendered by Helm itself (helm-java). */
public final class KassetteChart {
  public static final String NAMESPACE = "kassette-system";

  private KassetteChart() {}

  public static Path path() {
    return Path.of(System.getProperty("kassette.root", "..")).resolve("helm/kassette");
  }

  /** {@code helm template} with these {@code --set} values, one resource per document. */
  public static List<HasMetadata> render(Map<String, Object> values) {
    TemplateCommand template =
        new Helm(path())
            .template()
            .withName("kassette")
            .withNamespace(NAMESPACE)
            .withKubeVersion("1.33.0");
    values.forEach(template::set);
    return parse(template.call());
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
