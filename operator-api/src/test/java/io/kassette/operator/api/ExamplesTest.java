package io.kassette.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every YAML a user may copy (examples/, with the GitOps layout and the demo's resources) or that
 * the kind end-to-end test applies (e2e/kind/) parses; each Kassette resource passes the generated
 * CRD schema; each Kubernetes object is a valid fabric8 model without unknown fields; the
 * containers inside other operators' resources (cass-operator, Scylla Operator, Kyverno) are valid
 * containers; and every file a kustomization names exists.
 */
class ExamplesTest {
  static final Map<String, Class<? extends HasMetadata>> KASSETTE =
      Map.of(
          "CassandraBackup", CassandraBackup.class,
          "BackupSchedule", BackupSchedule.class,
          "CassandraRestore", CassandraRestore.class);

  static List<Path> yamlFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("examples", "e2e/kind")) {
      try (Stream<Path> walk = Files.walk(CrdSchema.root().resolve(dir))) {
        walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
            .sorted()
            .forEach(files::add);
      }
    }
    return files;
  }

  static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        CrdSchema.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  @Test
  void everyExampleParsesAndEveryObjectInItIsValid() throws Exception {
    CrdSchema schema = new CrdSchema();
    List<Path> files = yamlFiles();
    assertThat(files).hasSizeGreaterThanOrEqualTo(20);
    int custom = 0;
    int containers = 0;
    for (Path file : files) {
      for (JsonNode doc : documents(file)) {
        String apiVersion = doc.path("apiVersion").asText();
        String kind = doc.path("kind").asText();
        String what = file + ": " + kind + " " + doc.at("/metadata/name").asText();
        assertThat(apiVersion).as(what + " has an apiVersion").isNotBlank();
        if (apiVersion.startsWith(CassandraBackup.GROUP + "/")) {
          assertThat(schema.violations(doc)).as(what).isEmpty();
          HasMetadata typed =
              Serialization.unmarshal(CrdSchema.YAML.writeValueAsString(doc), KASSETTE.get(kind));
          assertThat(typed.getMetadata().getName()).as(what).isNotBlank();
          assertThat(Serialization.asYaml(typed))
              .as(what + ": every field is known to the Java type")
              .doesNotContain("additionalProperties");
          custom++;
        } else if (apiVersion.startsWith("kustomize.config.k8s.io/")) {
          kustomization(file, doc);
        } else {
          KubernetesResource r = Serialization.unmarshal(CrdSchema.YAML.writeValueAsString(doc));
          if (r instanceof GenericKubernetesResource) {
            // Another operator's resource: its containers must still be containers.
            for (JsonNode c : containersIn(doc)) {
              Container container =
                  Serialization.unmarshal(CrdSchema.YAML.writeValueAsString(c), Container.class);
              assertThat(StrictModels.unknownFields(container))
                  .as(what + " container " + container.getName())
                  .isEmpty();
              containers++;
            }
          } else {
            assertThat(StrictModels.unknownFields(r)).as(what + " has unknown fields").isEmpty();
          }
        }
      }
    }
    assertThat(custom).isGreaterThanOrEqualTo(12);
    assertThat(containers)
        .as("sidecar snippets for cass-operator and Scylla")
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void theSidecarIsWiredTheSameWayEverywhere() throws Exception {
    int sidecars = 0;
    for (Path file : yamlFiles()) {
      for (JsonNode doc : documents(file)) {
        for (JsonNode c : containersIn(doc)) {
          if (!c.path("name").asText().equals("kassette")) {
            continue;
          }
          sidecars++;
          String what = file + " kassette container";
          assertThat(c.path("image").asText()).as(what).contains("kassette-sidecar");
          assertThat(c.path("args").toString())
              .as(what)
              .contains("serve")
              .contains("--token-file")
              .contains("--tls-cert=/etc/kassette/tls/tls.crt")
              .contains("--tls-key=/etc/kassette/tls/tls.key")
              .doesNotContain("--plain-http");
          assertThat(
                  c.path("args").toString().contains("--allowed-locations=")
                      || c.path("envFrom").toString().contains("kassette-sidecar-config"))
              .as(what + " has an allow-list: --allowed-locations or the chart's sidecarConfig")
              .isTrue();
          for (String probe : List.of("readinessProbe", "livenessProbe")) {
            if (c.has(probe)) {
              assertThat(c.at("/" + probe + "/httpGet/scheme").asText())
                  .as(what + " " + probe + " over the agent's HTTPS")
                  .isEqualTo("HTTPS");
            }
          }
          assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true))
              .as(what + " allowPrivilegeEscalation")
              .isFalse();
          assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).as(what).isTrue();
          assertThat(c.path("volumeMounts").toString())
              .as(what + " mounts the token, its certificate and the data volume")
              .contains("/etc/kassette/token")
              .contains("/etc/kassette/tls");
        }
      }
    }
    assertThat(sidecars)
        .as(
            "the StatefulSet, cass-operator and Scylla examples carry the sidecar (the kind e2e"
                + " applies the StatefulSet example itself)")
        .isGreaterThanOrEqualTo(3);
  }

  /** Every {@code containers} list anywhere in the document. */
  static List<JsonNode> containersIn(JsonNode node) {
    List<JsonNode> found = new ArrayList<>();
    if (node.isObject()) {
      node.fields()
          .forEachRemaining(
              e -> {
                if ((e.getKey().equals("containers") || e.getKey().equals("initContainers"))
                    && e.getValue().isArray()) {
                  e.getValue().forEach(found::add);
                } else {
                  found.addAll(containersIn(e.getValue()));
                }
              });
    } else if (node.isArray()) {
      node.forEach(n -> found.addAll(containersIn(n)));
    }
    return found;
  }

  static void kustomization(Path file, JsonNode doc) {
    Path dir = file.getParent();
    doc.path("resources")
        .forEach(
            r -> assertThat(dir.resolve(r.asText())).as(file + " names " + r.asText()).exists());
    doc.path("patches")
        .forEach(
            p -> {
              if (p.has("path")) {
                assertThat(dir.resolve(p.path("path").asText())).as(file + " patch").exists();
              }
            });
  }
}
