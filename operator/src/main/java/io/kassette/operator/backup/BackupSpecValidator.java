package io.kassette.operator.backup;

import io.kassette.operator.api.CassandraBackupSpec;
import io.kassette.operator.api.ClusterRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the CRD schema says, checked again: a cluster without schema validation (or an older CRD)
 * must get a Failed condition naming the field and the fix, never a crash loop. Also checks what a
 * schema cannot, such as a location for every datacenter.
 */
public final class BackupSpecValidator {
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  /** A storage location, as the CRD's pattern has it (also for restores). */
  public static final Pattern LOCATION =
      Pattern.compile("((s3|gs|az)://[a-z0-9][a-z0-9._-]{1,220}(/\\S*)?|file:///\\S+)");

  static final Pattern GLOBS =
      Pattern.compile(
          "\\s*!?[A-Za-z0-9_*?]+(\\.[A-Za-z0-9_*?]+)?(\\s*,\\s*!?[A-Za-z0-9_*?]+(\\.[A-Za-z0-9_*?]+)?)*\\s*");

  private BackupSpecValidator() {}

  public static List<String> problems(CassandraBackupSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return List.of("spec is required");
    }
    ClusterRef cluster = spec.getCluster();
    if (cluster == null) {
      problems.add("spec.cluster is required: name, podSelector and sidecar.tokenSecret");
    } else {
      if (cluster.getName() == null || !NAME.matcher(cluster.getName()).matches()) {
        problems.add(
            "spec.cluster.name '"
                + cluster.getName()
                + "' is invalid: use letters, digits, '.', '_' or '-', starting with a letter or"
                + " digit");
      }
      if (cluster.getPodSelector() == null || cluster.getPodSelector().isEmpty()) {
        problems.add("spec.cluster.podSelector needs at least one label of the database pods");
      }
      if (cluster.getSidecar() == null
          || cluster.getSidecar().getTokenSecret() == null
          || cluster.getSidecar().getTokenSecret().getName() == null) {
        problems.add(
            "spec.cluster.sidecar.tokenSecret.name is required: the Secret of the sidecar token");
      }
    }
    Map<String, String> perDc = spec.getDatacenterLocations();
    boolean noDcLocations = perDc == null || perDc.isEmpty();
    if (spec.getLocation() == null && noDcLocations) {
      problems.add("spec.location or spec.datacenterLocations is required");
    }
    if (spec.getLocation() != null && !LOCATION.matcher(spec.getLocation()).matches()) {
      problems.add(
          "spec.location '"
              + spec.getLocation()
              + "' is invalid: use s3://bucket/prefix, gs://bucket/prefix, az://container/prefix or file:///path");
    }
    if (!noDcLocations) {
      perDc.forEach(
          (dc, location) -> {
            if (location == null || !LOCATION.matcher(location).matches()) {
              problems.add(
                  "spec.datacenterLocations."
                      + dc
                      + " '"
                      + location
                      + "' is invalid: use s3://bucket/prefix, gs://bucket/prefix, az://container/prefix or file:///path");
            }
          });
    }
    if (spec.getKeyspaces() != null
        && !spec.getKeyspaces().isBlank()
        && !GLOBS.matcher(spec.getKeyspaces()).matches()) {
      problems.add(
          "spec.keyspaces '"
              + spec.getKeyspaces()
              + "' is invalid: use comma-separated keyspace or keyspace.table globs, e.g."
              + " app*,!app_tmp.*");
    }
    atLeast(problems, "spec.snapshotParallel", spec.getSnapshotParallel(), 1);
    atLeast(problems, "spec.uploadParallel", spec.getUploadParallel(), 1);
    atLeast(problems, "spec.filesParallel", spec.getFilesParallel(), 1);
    atLeast(problems, "spec.backoffLimit", spec.getBackoffLimit(), 0);
    if (spec.getFilesParallel() != null && spec.getFilesParallel() > 256) {
      problems.add("spec.filesParallel must be at most 256, got " + spec.getFilesParallel());
    }
    if (spec.getRateLimitMiBps() != null && !(spec.getRateLimitMiBps() >= 0)) {
      problems.add(
          "spec.rateLimitMiBps must be 0 (no limit) or positive, got " + spec.getRateLimitMiBps());
    }
    return problems;
  }

  private static void atLeast(List<String> problems, String field, Integer value, int min) {
    if (value != null && value < min) {
      problems.add(field + " must be at least " + min + ", got " + value);
    }
  }
}
