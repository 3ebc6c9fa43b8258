package io.kassette.node;

import java.util.Set;

/** A table by keyspace and name. */
public record TableRef(String keyspace, String table) implements Comparable<TableRef> {

  /** Keyspaces that hold node-local or virtual state: never backed up unless named. */
  public static final Set<String> SYSTEM_KEYSPACES =
      Set.of(
          "system",
          "system_schema",
          "system_auth",
          "system_distributed",
          "system_distributed_everywhere",
          "system_traces",
          "system_views",
          "system_virtual_schema",
          "system_replicated_keys");

  public boolean isSystem() {
    return SYSTEM_KEYSPACES.contains(keyspace);
  }

  @Override
  public int compareTo(TableRef o) {
    int c = keyspace.compareTo(o.keyspace);
    return c != 0 ? c : table.compareTo(o.table);
  }

  @Override
  public String toString() {
    return keyspace + "." + table;
  }
}
