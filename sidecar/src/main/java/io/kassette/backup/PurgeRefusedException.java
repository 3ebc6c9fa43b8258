package io.kassette.backup;

import java.io.IOException;

/** A purge that did not start: a backup it cannot read might reference what it would delete. */
public final class PurgeRefusedException extends IOException {
  public PurgeRefusedException(String message) {
    super(message);
  }
}
