package io.kassette.node;

/** The node could not be reached or refused an operation; the message says which and why. */
public class NodeException extends Exception {
  public NodeException(String message) {
    super(message);
  }

  public NodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
