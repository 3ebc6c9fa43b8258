package io.kassette.storage;

/**
 * Validates keys and relative paths before they touch a filesystem. Manifests are data from the
 * bucket, and a hostile one must not be able to name a file outside the directory it is meant for.
 */
public final class ObjectKeys {
  private ObjectKeys() {}

  /**
   * Returns {@code key} if it is a safe relative path: non-empty '/'-separated segments, none of
   * them "." or "..", no backslash, no control characters, no percent-encoding, not absolute.
   *
   * @throws IllegalArgumentException naming the key and the rule it breaks
   */
  public static String requireSafe(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("empty object key");
    }
    if (key.startsWith("/") || key.startsWith("~")) {
      throw new IllegalArgumentException("object key '" + printable(key) + "' is absolute");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == '%' || c == ':') {
        throw new IllegalArgumentException(
            "object key '" + printable(key) + "' contains a forbidden character");
      }
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "object key '" + printable(key) + "' has an empty, '.' or '..' segment");
      }
    }
    return key;
  }

  private static String printable(String key) {
    StringBuilder sb = new StringBuilder();
    for (char c : key.toCharArray()) {
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }
}
