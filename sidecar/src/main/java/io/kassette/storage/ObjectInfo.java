package io.kassette.storage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** An object's key (relative to the location), size in bytes and last modification time. */
public record ObjectInfo(String key, long size, Instant lastModified) {

  /**
   * The next path segment of each key under {@code prefix}, sorted and without repeats: {@link
   * ObjectStore#listChildren} derived from a flat listing of that prefix.
   */
  static List<String> children(List<ObjectInfo> under, String prefix) {
    TreeSet<String> children = new TreeSet<>();
    for (ObjectInfo o : under) {
      String rest = o.key().substring(prefix.length());
      int slash = rest.indexOf('/');
      children.add(slash < 0 ? rest : rest.substring(0, slash));
    }
    return new ArrayList<>(children);
  }
}
