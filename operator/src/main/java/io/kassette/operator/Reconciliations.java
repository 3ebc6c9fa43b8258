package io.kassette.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.time.Instant;

/** What every Kassette controller does the same way. */
public final class Reconciliations {
  private Reconciliations() {}

  /** The status as JSON, to tell afterwards whether a reconciliation changed it. */
  public static String fingerprint(Object status) {
    return Serialization.asJson(status);
  }

  /**
   * Patches the status only when it changed since {@code before}, and looks again after {@code
   * poll} while the work goes on: while it runs, the status is patched at most once per poll.
   */
  public static <R extends HasMetadata> UpdateControl<R> patchIfChanged(
      R resource, String before, Object status, boolean again, Duration poll) {
    UpdateControl<R> control =
        before.equals(fingerprint(status))
            ? UpdateControl.noUpdate()
            : UpdateControl.patchStatus(resource);
    return again ? control.rescheduleAfter(poll) : control;
  }

  /** How long a node that failed {@code failures} times waits: base, doubled each time, capped. */
  public static Duration backoff(Duration base, int failures) {
    return base.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 10));
  }

  /** Whether a node waiting until {@code nextAttemptTime} (RFC 3339, or null) may go on. */
  public static boolean due(String nextAttemptTime) {
    return nextAttemptTime == null || !Instant.now().isBefore(Instant.parse(nextAttemptTime));
  }
}
