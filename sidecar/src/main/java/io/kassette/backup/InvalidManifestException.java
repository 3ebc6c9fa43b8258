package io.kassette.backup;

import java.io.IOException;

/** A manifest read from the bucket that {@link ManifestGate} refused: the object and the field. */
public final class InvalidManifestException extends IOException {
  private final String key;
  private final String field;

  public InvalidManifestException(String key, String field, String rule) {
    super("manifest " + key + " is invalid: " + field + " " + rule);
    this.key = key;
    this.field = field;
  }

  /** The object key of the manifest. */
  public String key() {
    return key;
  }

  /** The field refused, as a path such as {@code tables[2].files[0].path}. */
  public String field() {
    return field;
  }
}
