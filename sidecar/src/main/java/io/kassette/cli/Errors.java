package io.kassette.cli;

import io.kassette.backup.BackupException;
import io.kassette.node.NodeException;
import io.kassette.storage.StorageException;

/** Messages for the user: the cause in one line, without stack traces or secrets. */
final class Errors {
  private Errors() {}

  static String oneLine(Throwable e) {
    Throwable t = e;
    // Our own exceptions already say what to check; a library's needs its type for context.
    while (!(t instanceof BackupException
            || t instanceof StorageException
            || t instanceof NodeException
            || t instanceof IllegalArgumentException)
        && t.getCause() != null
        && t.getCause() != t) {
      t = t.getCause();
    }
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      message = t.getClass().getSimpleName();
    } else if (!(t instanceof BackupException
        || t instanceof StorageException
        || t instanceof NodeException
        || t instanceof IllegalArgumentException)) {
      message = t.getClass().getSimpleName() + ": " + message;
    }
    return message.replace('\n', ' ').replace('\r', ' ');
  }
}
