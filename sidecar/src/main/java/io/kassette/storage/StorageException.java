package io.kassette.storage;

import java.io.IOException;

/**
 * A store refused or failed a request. The message is meant for the user: it names the location and
 * what to check, and never carries credentials.
 */
public class StorageException extends IOException {
  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
