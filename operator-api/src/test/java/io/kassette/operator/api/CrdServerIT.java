package io.kassette.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kassette.testkit.KubeControlPlane;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRDs and every example on a REAL kube-apiserver (schema, CEL rules and their cost budget,
 * defaulting, server-side apply): what {@code kubectl apply -f crds/} and a user's {@code kubectl
 * apply} meet. Invalid resources are refused with the message kubectl prints.
 */
class CrdServerIT {
  static final String NS = "crd-it";
  static KubeControlPlane kube;

  @BeforeAll
  static void installCrds() throws IOException {
    kube = KubeControlPlane.shared();
    kube.kubectl(
        "apply", "--server-side", "--force-conflicts", "-f", root().resolve("crds").toString());
    try (InputStream in = CrdServerIT.class.getResourceAsStream("/foreign-crds.yaml")) {
      kube.kubectlWithInput(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), "apply", "-f", "-");
    }
    kube.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all");
    for (String ns : List.of(NS, "cassandra", "cassandra-prod", "demo", "e2e", "s3", "scylla")) {
      kube.ensureNamespace(ns);
    }
  }

  static Path root() {
    return CrdSchema.root();
  }

  @Test
  void kubectlApplyOfTheCrdsIsAcceptedAndEachIsEstablished() {
    String crds = kube.kubectl("get", "crd", "-o", "name");
    assertThat(crds)
        .contains("cassandrabackups.kassette.io")
        .contains("backupschedules.kassette.io")
        .contains("cassandrarestores.kassette.io");
    // A client-side apply, as a user types it, is accepted too (not only server-side).
    assertThat(kube.kubectl("apply", "-f", root().resolve("crds").toString()))
        .contains("cassandrabackups.kassette.io");
  }

  @Test
  void theChartCarriesTheSameCrds() throws IOException {
    for (String plural : List.of("cassandrabackups", "backupschedules", "cassandrarestores")) {
      String name = plural + ".kassette.io-v1.yml";
      assertThat(Files.readString(root().resolve("helm/kassette/crds").resolve(name)))
          .as("helm/kassette/crds/" + name + ": run make crds")
          .isEqualTo(Files.readString(root().resolve("crds").resolve(name)));
    }
  }

  /** Every example file and kustomization, as {@code kubectl apply --dry-run=server}. */
  @Test
  void everyExamplePassesAServerSideDryRun() throws IOException {
    List<String> applied = new ArrayList<>();
    Set<Path> kustomizations = new TreeSet<>();
    List<Path> files = ExamplesTest.yamlFiles();
    for (Path file : files) {
      if (file.getFileName().toString().equals("kustomization.yaml")) {
        kustomizations.add(file.getParent());
      }
    }
    for (Path file : files) {
      if (file.toString().contains("/gitops/") || kustomizations.contains(file.getParent())) {
        continue; // applied through their kustomizations below (patches are not whole objects)
      }
      KubeControlPlane.Result r =
          kube.tryKubectl(
              null, "apply", "--dry-run=server", "--server-side", "-f", file.toString());
      assertThat(r.exitCode()).as(file + ":\n" + r.output()).isZero();
      applied.add(file.toString());
    }
    for (Path dir : kustomizations) {
      // rendered as the kind e2e renders its own (it names examples/ outside its directory)
      KubeControlPlane.Result rendered =
          kube.tryKubectl(
              null, "kustomize", "--load-restrictor", "LoadRestrictionsNone", dir.toString());
      assertThat(rendered.exitCode()).as(dir + ":\n" + rendered.output()).isZero();
      KubeControlPlane.Result r =
          kube.tryKubectl(
              rendered.output(), "apply", "--dry-run=server", "--server-side", "-f", "-");
      assertThat(r.exitCode()).as(dir + ":\n" + r.output()).isZero();
      applied.add(dir.toString());
    }
    assertThat(applied).hasSizeGreaterThanOrEqualTo(18);
  }

  // ---- invalid resources -------------------------------------------------------------------

  /** A resource that must be refused, and what the refusal must say. */
  record Invalid(String what, String kind, Consumer<ObjectNode> change, String message) {
    @Override
    public String toString() {
      return what;
    }
  }

  static ObjectNode base(String kind, String name) {
    String yaml =
        switch (kind) {
          case "CassandraBackup" ->
              """
              apiVersion: kassette.io/v1alpha1
              kind: CassandraBackup
              spec:
                cluster:
                  name: prod
                  podSelector: {app: cassandra}
                  sidecar: {tokenSecret: {name: kassette-sidecar}}
                location: s3://backups/prod
                keyspaces: app
              """;
          case "CassandraRestore" ->
              """
              apiVersion: kassette.io/v1alpha1
              kind: CassandraRestore
              spec:
                backupRef: nightly
                keyspaces: app.users
                cluster:
                  name: prod
                  podSelector: {app: cassandra}
                  sidecar: {tokenSecret: {name: kassette-sidecar}}
              """;
          case "BackupSchedule" ->
              """
              apiVersion: kassette.io/v1alpha1
              kind: BackupSchedule
              spec:
                schedule: "0 2 * * *"
                timeZone: Europe/Berlin
                retention: {keepLast: 7}
                backupTemplate:
                  cluster:
                    name: prod
                    podSelector: {app: cassandra}
                    sidecar: {tokenSecret: {name: kassette-sidecar}}
                  location: s3://backups/prod
              """;
          default -> throw new IllegalArgumentException(kind);
        };
    try {
      ObjectNode doc = (ObjectNode) CrdSchema.YAML.readTree(yaml);
      ObjectNode meta = doc.putObject("metadata");
      meta.put("name", name);
      meta.put("namespace", NS);
      return doc;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode at(ObjectNode doc, String path) {
    JsonNode n = doc.at(path);
    return (ObjectNode) n;
  }

  static Stream<Invalid> invalidResources() {
    return Stream.of(
        new Invalid(
            "an unknown location scheme",
            "CassandraBackup",
            d -> at(d, "/spec").put("location", "ftp://host/backups"),
            "spec.location in body should match"),
        new Invalid(
            "no location at all",
            "CassandraBackup",
            d -> at(d, "/spec").remove("location"),
            "set location, datacenterLocations, or both"),
        new Invalid(
            "a datacenter location that is no URL",
            "CassandraBackup",
            d -> at(d, "/spec").putObject("datacenterLocations").put("dc1", "bucket-dc1"),
            "spec.datacenterLocations.dc1 in body should match"),
        new Invalid(
            "no cluster",
            "CassandraBackup",
            d -> at(d, "/spec").remove("cluster"),
            "spec.cluster: Required value"),
        new Invalid(
            "an empty pod selector",
            "CassandraBackup",
            d -> at(d, "/spec/cluster").putObject("podSelector"),
            "podSelector needs at least one label"),
        new Invalid(
            "a pod selector value no label can have",
            "CassandraBackup",
            d -> at(d, "/spec/cluster/podSelector").put("app", "cassandra ring"),
            "spec.cluster.podSelector.app in body should match"),
        new Invalid(
            "a cluster name that escapes the bucket path",
            "CassandraBackup",
            d -> at(d, "/spec/cluster").put("name", "../../etc"),
            "spec.cluster.name in body should match"),
        new Invalid(
            "CQL in the table selection",
            "CassandraBackup",
            d -> at(d, "/spec").put("keyspaces", "app; DROP KEYSPACE app"),
            "spec.keyspaces in body should match"),
        new Invalid(
            "too many files at once",
            "CassandraBackup",
            d -> at(d, "/spec").put("filesParallel", 1000),
            "spec.filesParallel: Invalid value: 1000: spec.filesParallel in body should be less"
                + " than or equal to 256"),
        new Invalid(
            "no node uploading",
            "CassandraBackup",
            d -> at(d, "/spec").put("uploadParallel", 0),
            "spec.uploadParallel in body should be greater than or equal to 1"),
        new Invalid(
            "a negative rate limit",
            "CassandraBackup",
            d -> at(d, "/spec").put("rateLimitMiBps", -5),
            "spec.rateLimitMiBps in body should be greater than or equal to 0"),
        new Invalid(
            "an unknown backup mode",
            "CassandraBackup",
            d -> at(d, "/spec").put("mode", "incremental"),
            "spec.mode: Unsupported value: \"incremental\""),
        new Invalid(
            "an unknown deletion policy",
            "CassandraBackup",
            d -> at(d, "/spec").put("deletionPolicy", "Purge"),
            "spec.deletionPolicy: Unsupported value: \"Purge\""),
        new Invalid(
            "a sidecar port out of range",
            "CassandraBackup",
            d -> at(d, "/spec/cluster/sidecar").put("port", 70000),
            "spec.cluster.sidecar.port in body should be less than or equal to 65535"),
        new Invalid(
            "a sidecar scheme that is not http(s)",
            "CassandraBackup",
            d -> at(d, "/spec/cluster/sidecar").put("scheme", "ftp"),
            "spec.cluster.sidecar.scheme in body should match"),
        new Invalid(
            "a token Secret name no Secret can have",
            "CassandraBackup",
            d -> at(d, "/spec/cluster/sidecar/tokenSecret").put("name", "Kassette_Token"),
            "spec.cluster.sidecar.tokenSecret.name in body should match"),
        new Invalid(
            "too many retries",
            "CassandraBackup",
            d -> at(d, "/spec").put("backoffLimit", 50),
            "spec.backoffLimit in body should be less than or equal to 20"),
        new Invalid(
            "a restore of nothing",
            "CassandraRestore",
            d -> at(d, "/spec").remove("backupRef"),
            "set backupRef, or backup and location"),
        new Invalid(
            "a restore mode that does not exist",
            "CassandraRestore",
            d -> at(d, "/spec").put("mode", "copy"),
            "spec.mode in body should match"),
        new Invalid(
            "a rename target without a keyspace",
            "CassandraRestore",
            d -> at(d, "/spec").putObject("renames").put("app.users", "users_copy"),
            "spec.renames.app.users in body should match"),
        new Invalid(
            "a schedule in words",
            "BackupSchedule",
            d -> at(d, "/spec").put("schedule", "every night"),
            "spec.schedule in body should match"),
        new Invalid(
            "a time zone with a space",
            "BackupSchedule",
            d -> at(d, "/spec").put("timeZone", "Europe Berlin"),
            "spec.timeZone in body should match"),
        new Invalid(
            "keeping no backup",
            "BackupSchedule",
            d -> at(d, "/spec/retention").put("keepLast", 0),
            "spec.retention.keepLast in body should be greater than or equal to 1"),
        new Invalid(
            "a grace period in words",
            "BackupSchedule",
            d -> at(d, "/spec/retention").put("grace", "6 hours"),
            "spec.retention.grace in body should match"),
        new Invalid(
            "an unknown concurrency policy",
            "BackupSchedule",
            d -> at(d, "/spec").put("concurrencyPolicy", "Allow"),
            "spec.concurrencyPolicy: Unsupported value: \"Allow\""),
        new Invalid(
            "a template with a bad location",
            "BackupSchedule",
            d -> at(d, "/spec/backupTemplate").put("location", "http://minio:9000/b"),
            "spec.backupTemplate.location in body should match"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidResources")
  void anInvalidResourceIsRefusedWithAMessageNamingTheField(Invalid invalid) throws IOException {
    String name = "invalid-" + Integer.toHexString(invalid.what().hashCode());
    ObjectNode doc = base(invalid.kind(), name);
    assertThat(kube.tryKubectl(json(doc), "create", "--dry-run=server", "-f", "-").exitCode())
        .as("the valid base of " + invalid.what() + " is accepted")
        .isZero();
    invalid.change().accept(doc);
    KubeControlPlane.Result r = kube.tryKubectl(json(doc), "create", "-f", "-");
    assertThat(r.exitCode()).as(invalid.what() + " is refused: " + r.output()).isNotZero();
    assertThat(r.output()).as(invalid.what()).contains("is invalid").contains(invalid.message());
  }

  @Test
  void aBadCronExpressionPassesTheSchemaAndIsLeftToTheOperator() throws IOException {
    // 5 fields of the right shape but out of range: the schema cannot tell; the operator sets
    // Ready=False/InvalidSpec naming spec.schedule (BackupScheduleReconcilerTest).
    ObjectNode doc = base("BackupSchedule", "cron-out-of-range");
    at(doc, "/spec").put("schedule", "99 99 * * *");
    assertThat(kube.tryKubectl(json(doc), "create", "--dry-run=server", "-f", "-").exitCode())
        .isZero();
  }

  // ---- immutability ------------------------------------------------------------------------

  @Test
  void aBackupsTargetCannotChangeButSuspendAndRateLimitCan() throws IOException {
    ObjectNode doc = base("CassandraBackup", "immutable-backup");
    kube.kubectlWithInput(json(doc), "create", "-f", "-");
    assertThat(patch("cassandrabackup", "immutable-backup", "{\"spec\":{\"suspend\":true}}"))
        .isZero();
    assertThat(patch("cassandrabackup", "immutable-backup", "{\"spec\":{\"rateLimitMiBps\":5}}"))
        .isZero();
    assertRefused(
        "cassandrabackup",
        "immutable-backup",
        "{\"spec\":{\"location\":\"s3://elsewhere/x\"}}",
        "spec.location is immutable");
    assertRefused(
        "cassandrabackup",
        "immutable-backup",
        "{\"spec\":{\"keyspaces\":null}}",
        "spec.keyspaces is immutable");
    assertRefused(
        "cassandrabackup",
        "immutable-backup",
        "{\"spec\":{\"cluster\":{\"name\":\"other\"}}}",
        "spec.cluster is immutable");
  }

  @Test
  void aRestoresSelectionCannotChangeNotEvenByRemovingItFirst() throws IOException {
    ObjectNode doc = base("CassandraRestore", "immutable-restore");
    kube.kubectlWithInput(json(doc), "create", "-f", "-");
    assertRefused(
        "cassandrarestore",
        "immutable-restore",
        "{\"spec\":{\"keyspaces\":\"app.orders\"}}",
        "spec.keyspaces is immutable");
    // The bypass a field-level rule allowed: remove the field, then set another value.
    assertRefused(
        "cassandrarestore",
        "immutable-restore",
        "{\"spec\":{\"keyspaces\":null}}",
        "spec.keyspaces is immutable");
    assertRefused(
        "cassandrarestore",
        "immutable-restore",
        "{\"spec\":{\"truncate\":false}}",
        "spec.truncate is immutable");
    assertRefused(
        "cassandrarestore",
        "immutable-restore",
        "{\"spec\":{\"backupRef\":\"another\"}}",
        "spec.backupRef is immutable");
    assertThat(patch("cassandrarestore", "immutable-restore", "{\"spec\":{\"suspend\":true}}"))
        .as("suspend stays editable")
        .isZero();
    assertThat(
            kube.kubectl(
                "get",
                "cassandrarestore",
                "immutable-restore",
                "-n",
                NS,
                "-o",
                "jsonpath={.spec.keyspaces}"))
        .isEqualTo("app.users");
  }

  @Test
  void theServerFillsTheDefaultsTheOperatorReads() throws IOException {
    ObjectNode doc = base("CassandraBackup", "defaults");
    kube.kubectlWithInput(json(doc), "create", "-f", "-");
    String spec =
        kube.kubectl("get", "cassandrabackup", "defaults", "-n", NS, "-o", "jsonpath={.spec}");
    JsonNode s = CrdSchema.YAML.readTree(spec);
    assertThat(s.path("mode").asText()).isEqualTo("differential");
    assertThat(s.path("uploadParallel").asInt()).isEqualTo(2);
    assertThat(s.path("backoffLimit").asInt()).isEqualTo(3);
    assertThat(s.at("/cluster/sidecar/port").asInt()).isEqualTo(8090);
    assertThat(s.path("deletionPolicy").asText()).isEqualTo("Retain");
  }

  private static int patch(String kind, String name, String mergePatch) {
    return kube.tryKubectl(null, "patch", kind, name, "-n", NS, "--type=merge", "-p", mergePatch)
        .exitCode();
  }

  private static void assertRefused(String kind, String name, String mergePatch, String message) {
    KubeControlPlane.Result r =
        kube.tryKubectl(null, "patch", kind, name, "-n", NS, "--type=merge", "-p", mergePatch);
    assertThat(r.exitCode()).as(mergePatch + " is refused: " + r.output()).isNotZero();
    assertThat(r.output()).contains(message);
  }

  private static String json(JsonNode doc) {
    return doc.toString();
  }
}
