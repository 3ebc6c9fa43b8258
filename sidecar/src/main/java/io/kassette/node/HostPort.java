package io.kassette.node;

/** A host and port given as {@code host:port}, with a default port. */
public record HostPort(String host, int port) {

  public static HostPort parse(String text, int defaultPort) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty address: use host:port");
    }
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    if (colon < 0 || t.endsWith("]")) {
      return new HostPort(t, defaultPort);
    }
    try {
      int port = Integer.parseInt(t.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
      return new HostPort(t.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not host:port (port must be 1-65535)");
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
