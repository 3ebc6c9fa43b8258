package io.kassette.backup;

/** A backup, verify or commit could not be done; the message is for the user. */
public class BackupException extends Exception {
  public BackupException(String message) {
    super(message);
  }

  public BackupException(String message, Throwable cause) {
    super(message, cause);
  }
}
