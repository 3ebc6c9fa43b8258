package io.kassette.backup;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A component file name of a modern SSTable, {@code <version>-<id>-<format>-<component>}, such as
 * {@code nb-12-big-Data.db} or {@code da-3gqh_0kz2_1u2ak2dnfjs1wdh3nm-bti-Partitions.db}.
 */
public record SSTableName(String descriptor, String component) {
  private static final Pattern NAME = Pattern.compile("([a-z]{2}-[^-]+-(?:big|bti))-(.+)");

  /**
   * Components Cassandra may rewrite in place (repair status and levels in Statistics, resampled
   * Summary). They are checksummed on every backup and stored under a content-addressed key.
   */
  private static final Set<String> MUTABLE = Set.of("Statistics.db", "Summary.db");

  public static Optional<SSTableName> parse(String fileName) {
    Matcher m = NAME.matcher(fileName);
    return m.matches() ? Optional.of(new SSTableName(m.group(1), m.group(2))) : Optional.empty();
  }

  public boolean mutable() {
    return MUTABLE.contains(component);
  }

  public String fileName(String otherComponent) {
    return descriptor + "-" + otherComponent;
  }
}
