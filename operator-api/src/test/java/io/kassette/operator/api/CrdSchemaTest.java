package io.kassette.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CrdSchemaTest {
  final CrdSchema schema;

  CrdSchemaTest() throws IOException {
    schema = new CrdSchema();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cassandrabackups", "backupschedules", "cassandrarestores"})
  void theCommittedCrdsAreTheGeneratedOnes(String plural) throws IOException {
    Path committed = CrdSchema.root().resolve("crds").resolve(plural + ".kassette.io-v1.yml");
    assertThat(committed).as("run 'make crds' and commit crds/").exists();
    try (InputStream in = CrdSchema.generated(plural)) {
      assertThat(Files.readString(committed))
          .as("crds/ is stale: run 'make crds' and commit it")
          .isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void everyFieldIsDescribedForKubectlExplain() throws IOException {
    for (String plural : List.of("cassandrabackups", "backupschedules", "cassandrarestores")) {
      try (InputStream in = CrdSchema.generated(plural)) {
        JsonNode crd = CrdSchema.YAML.readTree(in);
        JsonNode root = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        assertUndescribed(root.path("properties").path("spec"), plural + ".spec");
        assertUndescribed(root.path("properties").path("status"), plural + ".status");
      }
    }
  }

  private static void assertUndescribed(JsonNode node, String path) {
    if (!path.endsWith(".spec") && !path.endsWith(".status") && !path.endsWith("[]")) {
      assertThat(node.path("description").asText()).as(path + " has no description").isNotBlank();
    }
    node.path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              if (!path.contains("conditions")) {
                assertUndescribed(e.getValue(), path + "." + e.getKey());
              }
            });
    if (node.has("items") && !path.contains("conditions")) {
      node.path("items")
          .path("properties")
          .fields()
          .forEachRemaining(e -> assertUndescribed(e.getValue(), path + "[]." + e.getKey()));
    }
  }

  static ObjectNode backup() throws IOException {
    return (ObjectNode)
        CrdSchema.YAML.readTree(CrdSchema.root().resolve("examples/cassandrabackup.yaml").toFile());
  }

  ObjectNode with(Consumer<ObjectNode> change) throws IOException {
    ObjectNode b = backup();
    change.accept((ObjectNode) b.get("spec"));
    return b;
  }

  @Test
  void theExampleIsValidAndBadSpecsAreRefusedNamingTheField() throws IOException {
    assertThat(schema.violations(backup())).isEmpty();
    assertThat(schema.violations(with(s -> s.put("location", "ftp://host/backups"))))
        .anyMatch(m -> m.contains("location"));
    assertThat(schema.violations(with(s -> s.put("keyspaces", "app;DROP TABLE x"))))
        .anyMatch(m -> m.contains("keyspaces"));
    assertThat(schema.violations(with(s -> s.put("uploadParallel", -1))))
        .anyMatch(m -> m.contains("uploadParallel"));
    assertThat(schema.violations(with(s -> s.put("filesParallel", 0))))
        .anyMatch(m -> m.contains("filesParallel"));
    assertThat(schema.violations(with(s -> s.put("rateLimitMiBps", -5))))
        .anyMatch(m -> m.contains("rateLimitMiBps"));
    assertThat(schema.violations(with(s -> s.put("mode", "incremental"))))
        .anyMatch(m -> m.contains("mode"));
    assertThat(schema.violations(with(s -> s.put("deletionPolicy", "Keep"))))
        .anyMatch(m -> m.contains("deletionPolicy"));
    assertThat(schema.violations(with(s -> s.put("uploadParalel", 2))))
        .anyMatch(m -> m.contains("uploadParalel"));
    assertThat(schema.violations(with(s -> ((ObjectNode) s.get("cluster")).remove("name"))))
        .anyMatch(m -> m.contains("name"));
    assertThat(
            schema.violations(with(s -> ((ObjectNode) s.get("cluster")).put("name", "../../etc"))))
        .anyMatch(m -> m.contains("name"));
  }

  @Test
  void aScheduleWithABadCronDeadlineOrRetentionIsRefusedNamingTheField() throws IOException {
    ObjectNode good =
        (ObjectNode)
            CrdSchema.YAML.readTree(
                CrdSchema.root().resolve("examples/backupschedule.yaml").toFile());
    assertThat(schema.violations(good)).isEmpty();
    java.util.function.BiFunction<String, Object, java.util.Set<String>> with =
        (field, value) -> {
          ObjectNode copy = good.deepCopy();
          ObjectNode spec = (ObjectNode) copy.get("spec");
          ObjectNode target =
              field.startsWith("retention.") ? (ObjectNode) spec.get("retention") : spec;
          String name = field.substring(field.indexOf('.') + 1);
          target.set(name, CrdSchema.YAML.valueToTree(value));
          return schema.violations(copy);
        };
    assertThat(with.apply("spec.schedule", "every night")).anyMatch(m -> m.contains("schedule"));
    assertThat(with.apply("spec.startingDeadlineSeconds", -5))
        .anyMatch(m -> m.contains("startingDeadlineSeconds"));
    assertThat(with.apply("spec.concurrencyPolicy", "Allow"))
        .anyMatch(m -> m.contains("concurrencyPolicy"));
    assertThat(with.apply("retention.keepLast", 0)).anyMatch(m -> m.contains("keepLast"));
    assertThat(with.apply("retention.keepWithin", "two weeks"))
        .anyMatch(m -> m.contains("keepWithin"));
    assertThat(with.apply("spec.failedBackupsHistoryLimit", -1))
        .anyMatch(m -> m.contains("failedBackupsHistoryLimit"));
    assertThat(with.apply("spec.schedule", "@daily")).isEmpty();
  }
}
