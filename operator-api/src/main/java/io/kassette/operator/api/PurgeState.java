package io.kassette.operator.api;

/**
 * Where a schedule's retention purge is: {@code Running → Succeeded}, or {@code Running → Failed}
 * once a location failed more than three times. A Failed purge is left for the next successful
 * backup, whose purge also finishes what this one started.
 */
public enum PurgeState {
  Running,
  Succeeded,
  Failed
}
