package io.kassette.operator.restore;

import io.kassette.operator.api.CassandraRestoreSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the CRD schema says, checked again (an API server without schema validation, or an older
 * CRD, gives {@code Failed}/{@code InvalidSpec} naming the field rather than a crash loop).
 */
final class RestoreSpecValidator {
  private static final Pattern LOCATION = io.kassette.operator.backup.BackupSpecValidator.LOCATION;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

  private RestoreSpecValidator() {}

  static List<String> problems(CassandraRestoreSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      return List.of("spec is required");
    }
    if (spec.getBackupRef() == null && (spec.getBackup() == null || spec.getLocation() == null)) {
      problems.add("set spec.backupRef, or spec.backup and spec.location");
    }
    if (spec.getLocation() != null && !LOCATION.matcher(spec.getLocation()).matches()) {
      problems.add(
          "spec.location '"
              + spec.getLocation()
              + "' is invalid: use s3://bucket/prefix, gs://bucket/prefix, az://container/prefix or file:///path");
    }
    if (spec.getBackup() != null && !NAME.matcher(spec.getBackup()).matches()) {
      problems.add("spec.backup '" + spec.getBackup() + "' is not a backup name");
    }
    if (spec.getCluster() == null
        || spec.getCluster().getName() == null
        || spec.getCluster().getPodSelector() == null
        || spec.getCluster().getPodSelector().isEmpty()
        || spec.getCluster().getSidecar() == null
        || spec.getCluster().getSidecar().getTokenSecret() == null) {
      problems.add("spec.cluster needs name, podSelector and sidecar.tokenSecret");
    }
    if (spec.getMode() != null && !spec.getMode().matches("auto|import|load")) {
      problems.add("spec.mode must be auto, import or load, got '" + spec.getMode() + "'");
    }
    if (spec.getParallel() != null && spec.getParallel() < 1) {
      problems.add("spec.parallel must be at least 1, got " + spec.getParallel());
    }
    if (spec.getFilesParallel() != null
        && (spec.getFilesParallel() < 1 || spec.getFilesParallel() > 256)) {
      problems.add("spec.filesParallel must be 1 to 256, got " + spec.getFilesParallel());
    }
    return problems;
  }
}
