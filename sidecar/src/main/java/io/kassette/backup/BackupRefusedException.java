package io.kassette.backup;

/**
 * A backup the engine refuses and always will, whoever retries it: the name is another owner's
 * committed backup, or the backup was committed without this node. The agent reports it with cause
 * {@code REFUSED}, so the operator fails at once instead of retrying.
 */
public final class BackupRefusedException extends BackupException {
  public BackupRefusedException(String message) {
    super(message);
  }
}
