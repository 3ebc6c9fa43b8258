package io.kassette.cli;

import io.kassette.storage.ClientEncryption;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Client-side encryption: off unless a key directory is given. */
final class EncryptionOptions {
  @Option(
      names = "--encryption-keys",
      defaultValue = "${env:KASSETTE_ENCRYPTION_KEYS}",
      paramLabel = "DIR",
      description = {
        "Encrypt every object on this side with AES-256-GCM before it leaves (default:"
            + " $KASSETTE_ENCRYPTION_KEYS; without either, no client-side encryption).",
        "A directory (a mounted Secret) where each file is a key: its name the key id, its"
            + " content 32 random bytes in base64 (openssl rand -base64 32). Keep older keys"
            + " listed: backups they encrypted stay readable only with them."
      })
  Path keys;

  @Option(
      names = "--encryption-key-id",
      defaultValue = "${env:KASSETTE_ENCRYPTION_KEY_ID}",
      paramLabel = "ID",
      description =
          "The key new objects are encrypted with: a file name in --encryption-keys (default:"
              + " $KASSETTE_ENCRYPTION_KEY_ID).")
  String keyId;

  /** The keys, or null when encryption is off; fails naming the flag to fix. */
  ClientEncryption load() throws IOException {
    if (keys == null) {
      if (keyId != null && !keyId.isBlank()) {
        throw new IllegalArgumentException(
            "--encryption-key-id " + keyId + " needs --encryption-keys, the directory of keys");
      }
      return null;
    }
    return ClientEncryption.fromDirectory(keys, keyId);
  }
}
