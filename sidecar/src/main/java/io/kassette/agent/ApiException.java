package io.kassette.agent;

import io.kassette.api.ApiError;
import io.kassette.api.Operation;

/** An answer other than 2xx, with what the caller needs to fix it. */
final class ApiException extends Exception {
  private final int status;
  private final String field;
  private final transient Operation running;

  ApiException(int status, String message, String field, Operation running) {
    super(message);
    this.status = status;
    this.field = field;
    this.running = running;
  }

  static ApiException badField(String field, String message) {
    return new ApiException(400, message, field, null);
  }

  static ApiException notFound(String message) {
    return new ApiException(404, message, null, null);
  }

  static ApiException conflict(String message, Operation running) {
    return new ApiException(409, message, null, running);
  }

  int status() {
    return status;
  }

  ApiError body() {
    return new ApiError(status, getMessage(), field, running);
  }
}
