package io.kassette.agent;

import io.kassette.api.ApiError;
import io.kassette.api.Operation;

/** An answer other than 2xx, with what the caller needs to fix it. */
final class ApiException extends Exception {
  private final int status;
  private final String field;
  private final transient Operation running;
  private final String reason;

  ApiException(int status, String message, String field, Operation running) {
    this(status, message, field, running, null);
  }

  private ApiException(int status, String message, String field, Operation running, String reason) {
    super(message);
    this.status = status;
    this.field = field;
    this.running = running;
    this.reason = reason;
  }

  static ApiException badField(String field, String message) {
    return new ApiException(400, message, field, null);
  }

  /** Well-formed, but not this agent's to do (a location outside its allow-list). */
  static ApiException forbidden(String field, String message) {
    return new ApiException(403, message, field, null);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message, null, null);
  }

  /** The operation's state does not allow the action. */
  static ApiException conflict(String message, Operation running) {
    return new ApiException(409, message, null, running, ApiError.INVALID_STATE);
  }

  /** Another operation holds the node: the caller waits and sends the same call again. */
  static ApiException busy(String message, Operation running) {
    return new ApiException(409, message, null, running, ApiError.BUSY);
  }

  /** A different request under a name in use. */
  static ApiException nameTaken(String message, Operation existing) {
    return new ApiException(409, message, null, existing, ApiError.NAME_TAKEN);
  }

  int status() {
    return status;
  }

  ApiError body() {
    return new ApiError(status, getMessage(), field, running, reason);
  }
}
