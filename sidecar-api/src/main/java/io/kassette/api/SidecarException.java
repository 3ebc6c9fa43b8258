package io.kassette.api;

/**
 * The agent answered with an error, or could not be reached ({@link #status()} 0). The message
 * never holds the bearer token.
 */
public class SidecarException extends RuntimeException {
  private final int status;
  private final transient ApiError error;

  public SidecarException(int status, ApiError error, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.error = error;
  }

  /** The HTTP status, or 0 when no answer came. */
  public int status() {
    return status;
  }

  /** The agent's error body, when it sent one. */
  public ApiError error() {
    return error;
  }

  /** 409: another operation holds the agent, or the name is taken by a different request. */
  public boolean conflict() {
    return status == 409;
  }

  /**
   * 409 because another operation holds the node (one runs at a time): the node is busy, not
   * broken; the same call succeeds once that operation ends.
   */
  public boolean busy() {
    return status == 409 && error != null && ApiError.BUSY.equals(error.reason());
  }

  /** No answer came (connection refused, timeout): the pod may be restarting. */
  public boolean unreachable() {
    return status == 0;
  }

  public boolean notFound() {
    return status == 404;
  }
}
