package io.kassette.storage;

import java.io.IOException;

/** The object does not exist in the store. */
public class NoSuchObjectException extends IOException {
  public NoSuchObjectException(StorageLocation location, String key) {
    super("object not found: " + location.describe(key));
  }
}
