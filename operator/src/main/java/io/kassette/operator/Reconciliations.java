package io.kassette.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.CustomResource;
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
            : UpdateControl.patchStatus(statusOnly(resource));
    return again ? control.rescheduleAfter(poll) : control;
  }

  /**
   * The resource reduced to what a server-side apply of its status should carry: name, namespace
   * and status. No resourceVersion, so the patch never fails with 409 because someone (a GitOps
   * tool applying the spec) changed the resource since it was read; no spec, so the operator never
   * claims a field of the owner's.
   */
  @SuppressWarnings("unchecked")
  public static <R extends HasMetadata> R statusOnly(R resource) {
    if (!(resource instanceof CustomResource<?, ?> custom)) {
      return resource;
    }
    try {
      CustomResource<Object, Object> copy =
          (CustomResource<Object, Object>) resource.getClass().getConstructor().newInstance();
      copy.setMetadata(
          new ObjectMetaBuilder()
              .withName(resource.getMetadata().getName())
              .withNamespace(resource.getMetadata().getNamespace())
              .build());
      copy.setStatus(custom.getStatus());
      return (R) copy;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("a custom resource needs a public no-arg constructor", e);
    }
  }

  /** How long a node that failed {@code failures} times waits: base, doubled each time, capped. */
  public static Duration backoff(Duration base, int failures) {
    return base.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 10));
  }

  /** Whether a node waiting until {@code nextAttemptTime} (RFC 3339, or null) may go on. */
  public static boolean due(String nextAttemptTime, Instant now) {
    return nextAttemptTime == null || !now.isBefore(Instant.parse(nextAttemptTime));
  }
}
