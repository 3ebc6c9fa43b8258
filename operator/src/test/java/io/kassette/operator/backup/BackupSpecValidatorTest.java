package io.kassette.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.ClusterRef;
import io.kassette.operator.api.SecretKeyRef;
import io.kassette.operator.api.SidecarRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the controller refuses when no schema did: every message names the field and the fix. */
public class BackupSpecValidatorTest {

  /** A valid spec, for tests of what builds on it. */
  public static CassandraBackupSpec valid() {
    SecretKeyRef token = new SecretKeyRef();
    token.setName("kassette-sidecar");
    SidecarRef sidecar = new SidecarRef();
    sidecar.setTokenSecret(token);
    ClusterRef cluster = new ClusterRef();
    cluster.setName("prod");
    cluster.setPodSelector(Map.of("app", "cassandra"));
    cluster.setSidecar(sidecar);
    CassandraBackupSpec spec = new CassandraBackupSpec();
    spec.setCluster(cluster);
    spec.setLocation("s3://bucket/prefix");
    return spec;
  }

  @Test
  void aValidSpecHasNoProblem() {
    assertThat(BackupSpecValidator.problems(valid())).isEmpty();
    CassandraBackupSpec perDc = valid();
    perDc.setLocation(null);
    perDc.setDatacenterLocations(Map.of("dc1", "gs://bkt/x", "dc2", "file:///backups"));
    assertThat(BackupSpecValidator.problems(perDc)).isEmpty();
  }

  @Test
  void everyBadFieldIsNamed() {
    CassandraBackupSpec s = valid();
    s.setLocation("ftp://host/x");
    s.setKeyspaces("app; drop");
    s.setUploadParallel(0);
    s.setFilesParallel(1000);
    s.setRateLimitMiBps(-1.0);
    s.setBackoffLimit(-2);
    s.getCluster().setName("../etc");
    s.getCluster().setPodSelector(Map.of());
    assertThat(String.join("\n", BackupSpecValidator.problems(s)))
        .contains("spec.location 'ftp://host/x' is invalid")
        .contains("spec.keyspaces")
        .contains("spec.uploadParallel must be at least 1, got 0")
        .contains("spec.filesParallel must be at most 256")
        .contains("spec.rateLimitMiBps")
        .contains("spec.backoffLimit")
        .contains("spec.cluster.name")
        .contains("spec.cluster.podSelector");
  }

  @Test
  void aLocationIsRequiredSomewhere() {
    CassandraBackupSpec s = valid();
    s.setLocation(null);
    assertThat(BackupSpecValidator.problems(s))
        .containsExactly("spec.location or spec.datacenterLocations is required");
    s.setDatacenterLocations(Map.of("dc1", "http://x"));
    assertThat(BackupSpecValidator.problems(s))
        .anyMatch(p -> p.startsWith("spec.datacenterLocations.dc1"));
  }

  @Test
  void operationNamesAreDeterministicAndFitTheSidecarsAlphabet() {
    var b = new io.kassette.operator.api.CassandraBackup();
    b.getMetadata().setName("x".repeat(250));
    b.getMetadata().setUid("0b6f2c1e-1111-2222-3333-444455556666");
    String name = CassandraBackupReconciler.operationName(b, "upload");
    assertThat(name).hasSizeLessThanOrEqualTo(200).endsWith("-0b6f2c1e-upload");
    assertThat(CassandraBackupReconciler.operationName(b, "upload")).isEqualTo(name);
    assertThat(io.kassette.operator.ClusterPods.human(3L << 30)).isEqualTo("3.0 GiB");
  }
}
