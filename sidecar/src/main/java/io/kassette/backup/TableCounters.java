package io.kassette.backup;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Bytes total and done per {@code keyspace.table}, updated by parallel transfers. */
public final class TableCounters {
  private final Map<String, long[]> tables = new ConcurrentHashMap<>();

  /** Adds {@code bytes} to the table's total. */
  public void add(String table, long bytes) {
    long[] t = tables.computeIfAbsent(table, k -> new long[2]);
    synchronized (t) {
      t[0] += bytes;
    }
  }

  public void done(String table, long bytes) {
    long[] t = tables.get(table);
    if (t != null) {
      synchronized (t) {
        t[1] += bytes;
      }
    }
  }

  public Map<String, BackupProgress.TableProgress> snapshot() {
    Map<String, BackupProgress.TableProgress> perTable = new TreeMap<>();
    tables.forEach(
        (k, v) -> {
          synchronized (v) {
            perTable.put(k, new BackupProgress.TableProgress(v[0], v[1]));
          }
        });
    return perTable;
  }
}
