package io.kassette.backup;

/** How a backup stores files. */
public enum Mode {
  /** Files go to the node's shared pool; later backups reference what is already there. */
  DIFFERENTIAL,
  /** The backup gets its own copy of every file (server-side copies of what the pool holds). */
  FULL;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
