package io.kassette.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/reference.md is the generated CRDs' reference; {@code make docs} rewrites it. */
class CrdReferenceTest {

  @Test
  void theReferenceMatchesTheCrds() throws Exception {
    Path doc = CrdSchema.root().resolve("docs/reference.md");
    String rendered = CrdReference.render();
    if (Boolean.getBoolean("kassette.writeDocs")) {
      Files.writeString(doc, rendered);
    }
    assertThat(doc).as("run make docs").exists();
    assertThat(Files.readString(doc))
        .as("docs/reference.md is stale: run make docs")
        .isEqualTo(rendered);
    assertThat(rendered)
        .contains("`spec.schedule`")
        .contains("`spec.retention.keepLast`")
        .contains("`spec.backupRef`")
        .contains("`status.nodes[].hostId`");
  }
}
