package io.kassette.api;

/**
 * The body of every answer that is not 2xx.
 *
 * @param field the request field at fault, when one is
 * @param running the operation holding the agent on a 409, when one does
 * @param reason on a 409: {@code Busy} (another operation holds the node: wait and send again),
 *     {@code NameTaken} (a different request under this name) or {@code InvalidState} (the
 *     operation's state does not allow the action)
 */
public record ApiError(int status, String message, String field, Operation running, String reason) {
  public static final String BUSY = "Busy";
  public static final String NAME_TAKEN = "NameTaken";
  public static final String INVALID_STATE = "InvalidState";

  public ApiError(int status, String message, String field, Operation running) {
    this(status, message, field, running, null);
  }
}
