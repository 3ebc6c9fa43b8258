package io.kassette.node;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** What a restore asks of the schema: which tables exist, and running the DDL it planned. */
public interface SchemaAccess {

  /** Ids of the tables that exist in {@code keyspaces}, by table. */
  Map<TableRef, String> existingTables(String localDatacenter, Collection<String> keyspaces)
      throws NodeException;

  /** Runs DDL statements in order. */
  void execute(String localDatacenter, List<String> statements) throws NodeException;
}
