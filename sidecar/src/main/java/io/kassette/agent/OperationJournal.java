package io.kassette.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kassette.api.Operation;
import io.kassette.api.OperationKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations on disk, one small JSON file each, rewritten on every change of state (never on
 * progress), so that a restarted agent still knows what it was doing and with which request.
 */
final class OperationJournal {
  private static final Logger LOG = LoggerFactory.getLogger(OperationJournal.class);

  /** One journaled operation: its last known view and the request it runs. */
  record Entry(Operation operation, JsonNode request) {}

  private final Path dir;
  private final ObjectMapper json;

  OperationJournal(Path dir, ObjectMapper json) throws IOException {
    this.dir = Files.createDirectories(dir.resolve("operations"));
    this.json = json;
  }

  private Path file(OperationKind kind, String name) {
    return dir.resolve(kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + name + ".json");
  }

  void save(Operation operation, Object request) {
    Path target = file(operation.kind(), operation.name());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      byte[] bytes = json.writeValueAsBytes(new Entry(operation, json.valueToTree(request)));
      // Durable before visible: after a power cut the journal holds the old entry or the new one,
      // never an empty file that the rename made visible before its data reached the disk.
      try (FileChannel out =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory();
    } catch (IOException e) {
      // The operation goes on; only a restart would forget it.
      LOG.warn("could not journal operation {}: {}", operation.name(), e.getMessage());
    }
  }

  /** The rename itself is durable only once the directory is. */
  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for sync; the entry is written all the same.
      LOG.debug("could not sync {}: {}", dir, e.getMessage());
    }
  }

  void delete(OperationKind kind, String name) {
    try {
      Files.deleteIfExists(file(kind, name));
    } catch (IOException e) {
      LOG.warn("could not delete the journal of {}: {}", name, e.getMessage());
    }
  }

  /** Everything journaled; an unreadable file is reported and skipped, never fatal. */
  List<Entry> load() throws IOException {
    List<Entry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        try {
          entries.add(json.readValue(p.toFile(), Entry.class));
        } catch (IOException e) {
          LOG.warn("ignoring unreadable journal file {}: {}", p, e.getMessage());
        }
      }
    }
    return entries;
  }
}
