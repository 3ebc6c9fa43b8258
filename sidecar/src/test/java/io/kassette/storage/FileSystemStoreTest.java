package io.kassette.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class FileSystemStoreTest extends ObjectStoreContract {

  @Override
  ObjectStore newStore() throws Exception {
    return ObjectStores.open(
        StorageLocation.parse("file://" + tmp.resolve("bucket/prefix")), StorageOptions.defaults());
  }

  @Test
  void aPathUnderARegularFileIsReportedAsUnwritable() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    ObjectStore bad =
        ObjectStores.open(
            StorageLocation.parse("file://" + file + "/backups"), StorageOptions.defaults());
    assertThatThrownBy(() -> bad.put("probe", new byte[] {1}))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("cannot write under file://" + file + "/backups")
        .hasMessageContaining("Not a directory");
  }

  @Test
  void leavesNoTemporaryFilesBehind() throws Exception {
    store.put("a/b", new byte[] {1});
    try (var files = Files.walk(tmp.resolve("bucket"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .containsExactly("b");
    }
  }

  @Test
  void aSymbolicLinkInTheStoreIsNeitherFollowedNorListed() throws Exception {
    Path elsewhere = Files.createDirectories(tmp.resolve("data-directory"));
    Files.writeString(elsewhere.resolve("victim"), "data");
    store.put("ok/a", new byte[] {1});
    Files.createSymbolicLink(tmp.resolve("bucket/prefix/linked"), elsewhere);
    assertThatThrownBy(() -> store.get("linked/victim"))
        .hasMessageContaining("linked is a symbolic link");
    assertThatThrownBy(() -> store.put("linked/new", new byte[] {1}))
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> store.delete(java.util.List.of("linked/victim")))
        .hasMessageContaining("symbolic link");
    assertThat(store.list("")).extracting(ObjectInfo::key).containsExactly("ok/a");
    assertThat(elsewhere.resolve("victim")).hasContent("data");
    assertThat(elsewhere.resolve("new")).doesNotExist();
  }

  @Test
  void aFileThatShrinksWhileCopiedFailsTheUploadAndStoresNothing() throws Exception {
    Path file = Files.write(tmp.resolve("shrinking"), new byte[3 * Checksums.CHUNK]);
    // Cut the file to half a chunk once its first chunk has been read, before the kernel copies it.
    assertThatThrownBy(
            () ->
                store.upload(
                    "k/shrinking",
                    file,
                    onFirstRead(file, channel -> channel.truncate(Checksums.CHUNK / 2))))
        .hasMessageContaining("shrank while being uploaded");
    assertThat(store.list("k/")).isEmpty();
    try (var files = Files.walk(tmp.resolve("bucket"))) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void aFileWrittenInPlaceWhileCopiedFailsTheUploadAndStoresNothing() throws Exception {
    Path file = Files.write(tmp.resolve("rewritten"), new byte[3 * Checksums.CHUNK]);
    // an old time, so that the write below changes it whatever the clock's granularity
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
    assertThatThrownBy(
            () ->
                store.upload(
                    "k/rewritten",
                    file,
                    onFirstRead(
                        file,
                        channel ->
                            channel.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 0))))
        .hasMessageContaining("changed while being uploaded");
    assertThat(store.list("k/")).isEmpty();
  }

  /**
   * The path is renamed over right after the upload opens it (a compaction's or an operator's
   * {@code mv}, same size and time): what is stored is what was read and checksummed, from the file
   * opened, not whatever the path names when the kernel copies.
   */
  @Test
  void aFileRenamedOverWhileCopiedStoresTheBytesItChecksummed() throws Exception {
    byte[] original = new byte[3 * Checksums.CHUNK];
    Arrays.fill(original, (byte) 'a');
    byte[] other = new byte[3 * Checksums.CHUNK];
    Arrays.fill(other, (byte) 'b');
    Path file = Files.write(tmp.resolve("renamed-over"), original);
    Path replacement = Files.write(tmp.resolve("replacement"), other);
    // Same time as the original (cp -p, rsync -t): the rename cannot be told by it.
    Files.setLastModifiedTime(file, FileTime.fromMillis(0));
    Files.setLastModifiedTime(replacement, FileTime.fromMillis(0));
    UploadSource plain = UploadSource.of(file);
    UploadSource renamedOverOnceOpened =
        new UploadSource() {
          @Override
          public long length() {
            return plain.length();
          }

          @Override
          public String describe() {
            return plain.describe();
          }

          @Override
          public Optional<Path> plainFile() {
            return plain.plainFile();
          }

          @Override
          public Chunks open() throws IOException {
            return open(0);
          }

          @Override
          public Chunks open(long from) throws IOException {
            Chunks chunks = plain.open(from);
            if (Files.exists(replacement)) {
              Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return chunks;
          }
        };
    UploadResult result =
        store.upload("k/renamed-over", renamedOverOnceOpened, TransferControl.NONE);
    assertThat(Files.readAllBytes(file)).as("renamed over during the upload").isEqualTo(other);
    byte[] stored = store.get("k/renamed-over");
    assertThat(stored).isEqualTo(original);
    CRC32C crc = new CRC32C();
    crc.update(stored);
    assertThat(result.crc32c()).isEqualTo(Checksums.hex(crc));
  }

  /** What a test does to the file being uploaded. */
  private interface FileChange {
    void apply(java.nio.channels.FileChannel channel) throws java.io.IOException;
  }

  /**
   * A transfer control that changes {@code file} at every chunk the upload reports read: the first
   * time, between the checksum's read and the kernel's copy of that chunk.
   */
  private static TransferControl onFirstRead(Path file, FileChange change) {
    return new TransferControl(
        null,
        bytes -> {
          try (var channel =
              java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            change.apply(channel);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }
}
