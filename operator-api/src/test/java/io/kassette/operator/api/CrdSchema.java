package io.kassette.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The generated CRDs' OpenAPI schemas as a validator: the Kubernetes API test server accepts any
 * object, so what the real API server would refuse is checked here. CEL rules are not evaluated;
 * the controller re-checks what they say and sets Failed.
 */
final class CrdSchema {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final Map<String, JsonSchema> byKind = new TreeMap<>();

  CrdSchema() throws IOException {
    for (String plural : List.of("cassandrabackups", "backupschedules", "cassandrarestores")) {
      JsonNode crd = YAML.readTree(generated(plural));
      String kind = crd.at("/spec/names/kind").asText();
      ObjectNode schema = (ObjectNode) crd.at("/spec/versions/0/schema/openAPIV3Schema").deepCopy();
      closeObjects(schema);
      ObjectNode props = (ObjectNode) schema.with("properties");
      props.putObject("apiVersion").put("type", "string");
      props.putObject("kind").put("type", "string");
      props.putObject("metadata").put("type", "object");
      byKind.put(kind, JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema));
    }
  }

  static InputStream generated(String plural) throws IOException {
    InputStream in =
        CrdSchema.class.getResourceAsStream("/META-INF/fabric8/" + plural + ".kassette.io-v1.yml");
    if (in == null) {
      throw new IOException("generated CRD " + plural + " is missing: run mvn process-classes");
    }
    return in;
  }

  /** Refuses unknown fields, as the API server's pruning would silently drop a misspelt one. */
  private static void closeObjects(JsonNode node) {
    if (node instanceof ObjectNode o) {
      if (o.has("properties") && !o.has("additionalProperties")) {
        o.put("additionalProperties", false);
      }
      o.forEach(CrdSchema::closeObjects);
    } else if (node != null && node.isArray()) {
      node.forEach(CrdSchema::closeObjects);
    }
  }

  /** The schema's complaints about {@code resource}; empty when the API server would accept it. */
  Set<String> violations(JsonNode resource) {
    JsonSchema schema = byKind.get(resource.path("kind").asText());
    if (schema == null) {
      return Set.of("unknown kind " + resource.path("kind").asText());
    }
    return schema.validate(resource).stream()
        .map(m -> m.getMessage())
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  static Path root() {
    return Path.of(System.getProperty("kassette.root", "..")).toAbsolutePath().normalize();
  }
}
