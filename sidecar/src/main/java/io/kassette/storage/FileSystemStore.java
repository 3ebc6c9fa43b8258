package io.kassette.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A directory as an object store (an NFS mount, a local disk for tests, a staging area). Objects
 * are written to a temporary name and renamed into place, so a reader never sees half an object.
 */
final class FileSystemStore implements ObjectStore {
  private static final String TEMP_MARKER = ".kassette-tmp-";

  private final StorageLocation location;
  private final Path root;

  FileSystemStore(StorageLocation location) {
    this.location = location;
    this.root = Path.of("/" + location.prefix());
  }

  @Override
  public StorageLocation location() {
    return location;
  }

  private Path path(String key) throws IOException {
    return noLinks(root.resolve(ObjectKeys.requireSafe(key)));
  }

  /**
   * {@code p}, once no directory or file between the root and it is a symbolic link: whoever can
   * write into the store's directory must not make a backup, restore or purge read or write through
   * it elsewhere (the data directory, another bucket).
   */
  private Path noLinks(Path p) throws IOException {
    Path at = root;
    for (Path part : root.relativize(p)) {
      at = at.resolve(part);
      if (Files.isSymbolicLink(at)) {
        throw new IOException(
            location.describe(root.relativize(at).toString())
                + " is a symbolic link: a file:// store follows none");
      }
    }
    return p;
  }

  @Override
  public UploadResult upload(String key, UploadSource file, TransferControl control)
      throws IOException {
    Path target = path(key);
    Path temp = createTemp(target);
    try {
      UploadResult result;
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        result = FileStreamer.copy(file, control, out);
        out.force(false);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return result;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw wrap(key, e);
    }
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    Path target = path(key);
    Path temp = createTemp(target);
    try {
      Files.write(temp, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw wrap(key, e);
    }
  }

  private Path createTemp(Path target) throws IOException {
    try {
      Files.createDirectories(target.getParent());
      return Files.createFile(
          target.resolveSibling(target.getFileName() + TEMP_MARKER + UUID.randomUUID()));
    } catch (FileAlreadyExistsException | NotDirectoryException e) {
      throw new StorageException(
          "cannot write under " + location + ": " + e.getFile() + " is not a directory", e);
    } catch (AccessDeniedException e) {
      throw new StorageException(
          "cannot write under " + location + ": permission denied on " + e.getFile(), e);
    } catch (FileSystemException e) {
      throw new StorageException(
          "cannot write under " + location + ": " + e.getFile() + ": " + e.getReason(), e);
    }
  }

  @Override
  public byte[] get(String key) throws IOException {
    try {
      return Files.readAllBytes(path(key));
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(location, key);
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      return Files.newInputStream(path(key));
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(location, key);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    Path p = path(key);
    try {
      BasicFileAttributes attrs = Files.readAttributes(p, BasicFileAttributes.class);
      if (!attrs.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException | NotDirectoryException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    // Walk from the deepest directory the prefix names, then filter by the full prefix.
    int slash = prefix.lastIndexOf('/');
    Path start =
        slash < 0
            ? root
            : noLinks(root.resolve(ObjectKeys.requireSafe(prefix.substring(0, slash))));
    List<ObjectInfo> result = new ArrayList<>();
    if (!Files.isDirectory(start)) {
      return result;
    }
    try (Stream<Path> walk = Files.walk(start)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String key = root.relativize(p).toString();
        if (!key.startsWith(prefix) || p.getFileName().toString().contains(TEMP_MARKER)) {
          continue;
        }
        BasicFileAttributes attrs;
        try {
          attrs =
              Files.readAttributes(
                  p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue; // deleted while walking
        }
        if (attrs.isRegularFile()) {
          result.add(new ObjectInfo(key, attrs.size(), attrs.lastModifiedTime().toInstant()));
        }
      }
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
    return result;
  }

  @Override
  public List<String> listChildren(String prefix) throws IOException {
    TreeSet<String> children = new TreeSet<>();
    Path dir =
        prefix.isEmpty() ? root : noLinks(root.resolve(ObjectKeys.requireSafe(stripSlash(prefix))));
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      entries
          .map(p -> p.getFileName().toString())
          .filter(name -> !name.contains(TEMP_MARKER))
          .forEach(children::add);
    }
    return new ArrayList<>(children);
  }

  private static String stripSlash(String prefix) {
    return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  @Override
  public void copy(String sourceKey, String targetKey) throws IOException {
    Path source = path(sourceKey);
    Path target = path(targetKey);
    if (!Files.isRegularFile(source)) {
      throw new NoSuchObjectException(location, sourceKey);
    }
    Path temp = createTemp(target);
    Files.delete(temp);
    try {
      // A hard link is this store's server-side copy: instant, and objects are never modified in
      // place, so the two names can share the bytes.
      Files.createLink(temp, source);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void delete(Collection<String> keys) throws IOException {
    for (String key : keys) {
      Path p = path(key);
      Files.deleteIfExists(p);
      // Prune now-empty parent directories up to the root, so listings stay fast.
      for (Path dir = p.getParent(); dir != null && dir.startsWith(root) && !dir.equals(root); ) {
        try {
          Files.delete(dir);
        } catch (IOException e) {
          break; // not empty, or gone
        }
        dir = dir.getParent();
      }
    }
  }

  private IOException wrap(String key, Exception e) {
    if (e instanceof StorageException se) {
      return se;
    }
    if (e instanceof IOException io && !(e instanceof FileSystemException)) {
      return io;
    }
    return new StorageException(
        "cannot write " + location.describe(key) + ": " + e.getMessage(), e);
  }

  @Override
  public void close() {}
}
