package io.kassette.operator;

import io.kassette.api.ErrorCause;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import io.kassette.api.SidecarClient;
import io.kassette.api.SidecarException;
import io.kassette.operator.api.TrackedNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the operator drives one node's sidecar operation, the same for every step of a backup, a
 * restore and a purge: the operation is started once by name and from then on only followed; it is
 * never sent again with a changed spec (a changed rate limit reaches it live, through the agent);
 * each failed attempt counts once, with exponential backoff before the agent runs it again; a node
 * busy with another operation is waited for, not blamed.
 */
public final class NodeOperations {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(NodeOperations.class);
  private final Duration retryBase;

  public NodeOperations(Duration retryBase) {
    this.retryBase = retryBase;
  }

  /** Where the node's operation is after one look. */
  public enum Outcome {
    /** Running, or just started: look again at the next poll. */
    RUNNING,
    SUCCEEDED,
    /** It failed; the failure is counted and the node backs off until nextAttemptTime. */
    RETRYING,
    /** It failed more than backoffLimit times, or was cancelled outside the operator. */
    FAILED,
    /** The node cannot take it now (another operation runs there, or it backs off): no blame. */
    WAITING
  }

  /** One look's result; {@code message} says what failed or what the node waits for. */
  public record Result(Outcome outcome, Operation operation, String message) {}

  /**
   * One look at the node's operation {@code name}: starts it if the agent does not know it, makes
   * its rate limit {@code rateLimit} (null: none to keep), resumes it after its backoff when it
   * failed, and counts the failure of each attempt once.
   */
  public Result drive(
      TrackedNode node,
      SidecarClient client,
      OperationKind kind,
      String name,
      Supplier<Operation> start,
      Double rateLimit,
      int backoffLimit,
      Instant now) {
    if (!Reconciliations.due(node.getNextAttemptTime(), now)) {
      return new Result(Outcome.WAITING, null, "backing off after: " + node.getError());
    }
    try {
      Operation op = null;
      if (name.equals(node.getOperation())) {
        try {
          op = client.get(kind, name);
        } catch (SidecarException e) {
          if (!e.notFound()) {
            throw e;
          }
          // The agent lost it (a new pod without its state): started again, counted afresh.
        }
      }
      if (op == null) {
        op = start.get();
        node.setOperation(name);
        node.setCountedAttempts(0);
        node.setRateLimitMiBps(rateLimit);
      }
      if (rateLimit != null
          && !Objects.equals(rateLimit, node.getRateLimitMiBps())
          && !op.state().terminal()) {
        try {
          op = client.setRateLimit(kind, name, rateLimit);
          node.setRateLimitMiBps(rateLimit);
        } catch (SidecarException e) {
          // An agent too old for live limits, or a race with the operation's end: the limit is
          // tried again at the next look; the operation itself is fine.
          LOG.debug("rate limit of {} not changed: {}", name, e.getMessage());
        }
      }
      return switch (op.state()) {
        case SUCCEEDED -> {
          node.setError(null);
          node.setNextAttemptTime(null);
          yield new Result(Outcome.SUCCEEDED, op, null);
        }
        case FAILED -> {
          int counted = node.getCountedAttempts() == null ? 0 : node.getCountedAttempts();
          if (op.attempts() > counted) {
            node.setCountedAttempts(op.attempts());
            if (refused(op)) {
              // The agent refuses the request itself (a backup name another resource owns): the
              // same request fails the same way, so it is not retried.
              node.setFailures((node.getFailures() == null ? 0 : node.getFailures()) + 1);
              node.setError(lastError(op));
              yield new Result(
                  Outcome.FAILED, op, "pod " + node.getPod() + " refused: " + lastError(op));
            }
            yield failed(node, lastError(op), backoffLimit, now, op);
          }
          // This failure is counted and its backoff is over: the agent runs it again.
          yield new Result(Outcome.RUNNING, client.resume(kind, name), null);
        }
        case PAUSED -> new Result(Outcome.RUNNING, client.resume(kind, name), null);
        case CANCELLED ->
            new Result(
                Outcome.FAILED, op, "operation " + name + " was cancelled outside the operator");
        default -> new Result(Outcome.RUNNING, op, null);
      };
    } catch (SidecarException e) {
      if (e.busy()) {
        String running =
            e.error() != null && e.error().running() != null
                ? e.error().running().kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " operation "
                    + e.error().running().name()
                : "another operation";
        return new Result(
            Outcome.WAITING, null, "the sidecar is busy: " + running + " runs on this node");
      }
      return failed(node, message(e), backoffLimit, now, null);
    }
  }

  /**
   * Counts a failure of the node; past {@code backoffLimit} the outcome is FAILED, otherwise the
   * node waits {@code retryBase × 2^(failures-1)}.
   */
  public Result failed(
      TrackedNode node, String error, int backoffLimit, Instant now, Operation op) {
    int failures = (node.getFailures() == null ? 0 : node.getFailures()) + 1;
    node.setFailures(failures);
    node.setError(error);
    if (failures > backoffLimit) {
      node.setNextAttemptTime(null);
      return new Result(
          Outcome.FAILED, op, "pod " + node.getPod() + " failed " + failures + " times: " + error);
    }
    Duration wait = Reconciliations.backoff(retryBase, failures);
    node.setNextAttemptTime(now.plus(wait).toString());
    return new Result(
        Outcome.RETRYING,
        op,
        "pod "
            + node.getPod()
            + ": "
            + error
            + "; retry "
            + failures
            + " of "
            + backoffLimit
            + " in "
            + Math.max(1, wait.toSeconds())
            + " s");
  }

  private static boolean refused(Operation op) {
    return !op.errors().isEmpty()
        && op.errors().get(op.errors().size() - 1).cause() == ErrorCause.REFUSED;
  }

  public static String lastError(Operation op) {
    return op.errors().isEmpty()
        ? "operation failed"
        : op.errors().get(op.errors().size() - 1).message();
  }

  public static String message(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
