package io.kassette.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The build ships a CycloneDX SBOM beside the jar (after {@code package}, so an IT): it names the
 * jar and lists, with versions and package URLs, its runtime dependency graph (what the shaded jar
 * carries).
 */
class SbomIT {
  @Test
  void theSidecarJarHasAnSbomListingWhatItCarries() throws Exception {
    JsonNode bom =
        new ObjectMapper().readTree(Path.of("target/kassette-sidecar-sbom.json").toFile());
    assertThat(bom.path("bomFormat").asText()).isEqualTo("CycloneDX");
    assertThat(bom.at("/metadata/component/name").asText()).isEqualTo("kassette-sidecar");
    List<String> purls = new ArrayList<>();
    bom.path("components").forEach(c -> purls.add(c.path("purl").asText()));
    assertThat(purls)
        .anyMatch(p -> p.startsWith("pkg:maven/software.amazon.awssdk/s3@"))
        .anyMatch(p -> p.startsWith("pkg:maven/com.google.cloud/google-cloud-storage@"))
        .anyMatch(p -> p.startsWith("pkg:maven/info.picocli/picocli@"))
        .noneMatch(p -> p.contains("junit") || p.contains("jqwik"));
  }
}
