package io.kassette.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.List;

/** Kubernetes-style conditions: lastTransitionTime moves only when the status flips. */
public final class Conditions {
  private Conditions() {}

  public static void set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      Long generation) {
    set(conditions, type, status, reason, message, generation, Instant.now());
  }

  /** The same, at {@code now} (the operator's clock). */
  public static void set(
      List<Condition> conditions,
      String type,
      boolean status,
      String reason,
      String message,
      Long generation,
      Instant now) {
    String value = status ? "True" : "False";
    Condition existing =
        conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    if (existing == null) {
      conditions.add(
          new ConditionBuilder()
              .withType(type)
              .withStatus(value)
              .withReason(reason)
              .withMessage(message)
              .withObservedGeneration(generation)
              .withLastTransitionTime(now.toString())
              .build());
      return;
    }
    if (!value.equals(existing.getStatus())) {
      existing.setLastTransitionTime(now.toString());
    }
    existing.setStatus(value);
    existing.setReason(reason);
    existing.setMessage(message);
    existing.setObservedGeneration(generation);
  }

  /** Removes the condition; absent is the same as never set. */
  public static void clear(List<Condition> conditions, String type) {
    conditions.removeIf(c -> type.equals(c.getType()));
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return conditions.stream()
        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
