package io.kassette.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every example a user may copy parses, and every custom resource in it passes the CRD schema. */
class ExamplesTest {

  static List<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(CrdSchema.root().resolve("examples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @Test
  void everyExampleParsesAndPassesTheSchema() throws Exception {
    CrdSchema schema = new CrdSchema();
    List<Path> files = examples();
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    int custom = 0;
    for (Path file : files) {
      JsonNode node = CrdSchema.YAML.readTree(file.toFile());
      if (node.path("apiVersion").asText().startsWith(CassandraBackup.GROUP + "/")) {
        assertThat(schema.violations(node)).as(file.toString()).isEmpty();
        Class<? extends HasMetadata> type =
            switch (node.path("kind").asText()) {
              case "CassandraBackup" -> CassandraBackup.class;
              case "BackupSchedule" -> BackupSchedule.class;
              default -> CassandraRestore.class;
            };
        HasMetadata typed = Serialization.unmarshal(Files.readString(file), type);
        assertThat(typed.getMetadata().getName()).as(file + " maps to " + type).isNotBlank();
        assertThat(Serialization.asYaml(typed))
            .as(file + ": every field is known to the Java type")
            .doesNotContain("additionalProperties");
        custom++;
      } else {
        assertThat(Serialization.unmarshal(Files.readString(file), HasMetadata.class))
            .as(file.toString())
            .isNotNull();
      }
    }
    assertThat(custom).isGreaterThanOrEqualTo(4);
  }
}
