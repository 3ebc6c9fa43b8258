package io.kassette.operator.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * docs/reference.md, rendered from the generated CRDs: one table per resource with every field's
 * path, type, default, validation and description, so the reference cannot drift from the schema.
 */
final class CrdReference {
  static final List<String> PLURALS =
      List.of("cassandrabackups", "backupschedules", "cassandrarestores");

  private CrdReference() {}

  static String render() throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Custom resource reference\n\n")
        .append(
            "Generated from the CRDs (`make docs`; `CrdReferenceTest` fails when this file is stale).\n")
        .append(
            "Group `kassette.io`, version `v1alpha1`, namespaced. `kubectl explain <kind>.spec` shows the same\n")
        .append("descriptions.\n");
    for (String plural : PLURALS) {
      JsonNode crd = CrdSchema.YAML.readTree(CrdSchema.generated(plural));
      String kind = crd.at("/spec/names/kind").asText();
      JsonNode version = crd.at("/spec/versions/0");
      md.append("\n## ").append(kind).append("\n\n");
      md.append("`kubectl get ").append(plural);
      crd.at("/spec/names/shortNames")
          .forEach(s -> md.append("` / `kubectl get ").append(s.asText()));
      md.append("` shows: ");
      List<String> columns = new ArrayList<>();
      version.path("additionalPrinterColumns").forEach(c -> columns.add(c.path("name").asText()));
      md.append(String.join(", ", columns)).append(".\n");
      JsonNode schema = version.at("/schema/openAPIV3Schema");
      List<String> rootRules = new ArrayList<>();
      schema
          .path("x-kubernetes-validations")
          .forEach(r -> rootRules.add(r.path("message").asText()));
      if (!rootRules.isEmpty()) {
        md.append("\nRules on the whole resource: ")
            .append(String.join("; ", rootRules))
            .append(".\n");
      }
      for (String part : List.of("spec", "status")) {
        md.append("\n### ").append(part).append("\n\n");
        md.append("| Field | Type | Default | Validation | Description |\n|---|---|---|---|---|\n");
        fields(md, schema.at("/properties/" + part), part, Set.of());
      }
    }
    return md.toString();
  }

  private static void fields(
      StringBuilder md, JsonNode node, String path, Set<String> parentRequired) {
    Set<String> required = new TreeSet<>();
    node.path("required").forEach(r -> required.add(r.asText()));
    JsonNode props = node.path("properties");
    if (node.path("type").asText().equals("array") && node.path("items").has("properties")) {
      props = node.path("items").path("properties");
      node.path("items").path("required").forEach(r -> required.add(r.asText()));
    }
    props
        .fields()
        .forEachRemaining(
            e -> {
              String name = e.getKey();
              JsonNode f = e.getValue();
              boolean array = f.path("type").asText().equals("array");
              String p = path + "." + name + (array ? "[]" : "");
              md.append("| `").append(p).append("` | ").append(type(f)).append(" | ");
              md.append(
                  f.has("default")
                      ? "`" + f.path("default").toString().replace("\"", "") + "`"
                      : "");
              md.append(" | ").append(validation(f, required.contains(name))).append(" | ");
              md.append(cell(f.path("description").asText())).append(" |\n");
              if (!name.equals("conditions")) {
                fields(md, f, p, required);
              }
            });
  }

  private static String type(JsonNode f) {
    String t = f.path("type").asText();
    if (t.equals("array")) {
      return "array of " + f.path("items").path("type").asText("object");
    }
    if (t.equals("object") && f.has("additionalProperties")) {
      return "map of " + f.path("additionalProperties").path("type").asText("object");
    }
    return t;
  }

  private static String validation(JsonNode f, boolean required) {
    List<String> v = new ArrayList<>();
    if (required) {
      v.add("required");
    }
    if (f.has("enum")) {
      List<String> values = new ArrayList<>();
      f.path("enum").forEach(x -> values.add(x.asText()));
      v.add("one of " + String.join(", ", values));
    }
    if (f.has("minimum")) {
      v.add("≥ " + f.path("minimum").asLong());
    }
    if (f.has("maximum")) {
      v.add("≤ " + f.path("maximum").asLong());
    }
    if (f.has("pattern")) {
      v.add("pattern `" + f.path("pattern").asText().replace("|", "\\|") + "`");
    }
    f.path("x-kubernetes-validations").forEach(r -> v.add(cell(r.path("message").asText())));
    return String.join("; ", v);
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
