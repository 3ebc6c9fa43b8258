package io.kassette.api;

import java.util.Map;

/**
 * Progress of one run. "done" counts only grow within a run and include what was skipped because
 * the store already held it.
 *
 * @param bytesPerSecond bytes moved per second since the run started
 * @param tables bytes total and done per {@code keyspace.table}
 */
public record OperationProgress(
    long filesTotal,
    long filesDone,
    long filesSkipped,
    long bytesTotal,
    long bytesDone,
    long bytesSkipped,
    double bytesPerSecond,
    double percent,
    Map<String, TableProgress> tables) {

  public static final OperationProgress NONE =
      new OperationProgress(0, 0, 0, 0, 0, 0, 0, 0, Map.of());

  public OperationProgress {
    tables = tables == null ? Map.of() : Map.copyOf(tables);
  }

  /** One table's share. */
  public record TableProgress(long bytesTotal, long bytesDone) {}
}
