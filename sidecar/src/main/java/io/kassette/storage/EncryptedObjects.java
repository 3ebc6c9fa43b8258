package io.kassette.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.zip.CRC32C;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The format of a client-side encrypted object, version 1. AES-256-GCM in 1 MiB chunks, so that
 * memory stays at one chunk per stream whatever the object's size, under a random data key per
 * object that the key-encryption key wraps:
 *
 * <pre>
 * header (137 bytes)
 *   "KENC" | version 1 | key id length | key id (64 bytes, zero padded)
 *   | wrap nonce (12) | data key wrapped by the key-encryption key (32 + 16 tag)
 *   | chunk nonce prefix (7)
 * chunks: AES-GCM(data key, nonce = prefix | chunk index (4, big endian) | last (1)),
 *   additional data = the header; every chunk holds 1 MiB of plaintext but the last
 * </pre>
 *
 * The header as additional data binds each chunk to its key id and data key; the index in the nonce
 * stops chunks from being reordered, and the last-chunk flag stops an object from being truncated
 * at a chunk boundary. A stored object's length gives its plaintext length without reading it, so
 * listings report plaintext sizes and the dedup and verify size checks work unchanged.
 */
final class EncryptedObjects {
  static final int CHUNK = 1 << 20;
  static final int TAG = 16;
  private static final byte[] MAGIC = "KENC".getBytes(StandardCharsets.US_ASCII);
  private static final byte VERSION = 1;
  private static final int ID_FIELD = 64;
  private static final int PREFIX = MAGIC.length + 1 + 1 + ID_FIELD;
  static final int HEADER = PREFIX + 12 + 32 + TAG + 7;
  private static final SecureRandom RANDOM = new SecureRandom();

  private EncryptedObjects() {}

  /** The stored length of {@code plain} bytes. */
  static long storedLength(long plain) {
    long chunks = Math.max(1, ceilDiv(plain, CHUNK));
    return HEADER + plain + chunks * TAG;
  }

  /** The plaintext length of a stored object of {@code stored} bytes; -1 if none could be. */
  static long plainLength(long stored) {
    long payload = stored - HEADER;
    if (payload < TAG) {
      return -1;
    }
    long chunks = ceilDiv(payload, CHUNK + TAG);
    long plain = payload - chunks * TAG;
    return plain >= 0 && storedLength(plain) == stored ? plain : -1;
  }

  /** How many plaintext bytes the first {@code stored} bytes of an object carry. */
  static long plainBefore(long stored) {
    long payload = stored - HEADER;
    if (payload <= 0) {
      return 0;
    }
    return payload / (CHUNK + TAG) * CHUNK + Math.min(payload % (CHUNK + TAG), CHUNK);
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  /** A header with a fresh data key: what one object is encrypted under. */
  private record Header(byte[] bytes, SecretKey dataKey, byte[] noncePrefix) {}

  private static Header newHeader(ClientEncryption encryption) throws IOException {
    byte[] dataKey = new byte[32];
    RANDOM.nextBytes(dataKey);
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    header.put(prefix(encryption.currentId()));
    byte[] wrapNonce = new byte[12];
    RANDOM.nextBytes(wrapNonce);
    header.put(wrapNonce);
    try {
      Cipher wrap = Cipher.getInstance("AES/GCM/NoPadding");
      wrap.init(Cipher.ENCRYPT_MODE, encryption.current(), new GCMParameterSpec(128, wrapNonce));
      wrap.updateAAD(header.array(), 0, PREFIX);
      header.put(wrap.doFinal(dataKey));
    } catch (GeneralSecurityException e) {
      throw new StorageException("cannot encrypt: " + e.getMessage(), e);
    }
    byte[] noncePrefix = new byte[7];
    RANDOM.nextBytes(noncePrefix);
    header.put(noncePrefix);
    SecretKey key = new SecretKeySpec(dataKey, "AES");
    Arrays.fill(dataKey, (byte) 0);
    return new Header(header.array(), key, noncePrefix);
  }

  private static byte[] prefix(String keyId) {
    byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(PREFIX);
    b.put(MAGIC).put(VERSION).put((byte) id.length).put(id);
    return b.array();
  }

  /** Reads a header: the key id must be listed and its key must unwrap the data key. */
  private static Header readHeader(byte[] header, ClientEncryption encryption, String what)
      throws IOException {
    if (!Arrays.equals(header, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new StorageException(what + " is not a Kassette-encrypted object (no KENC header)");
    }
    if (header[MAGIC.length] != VERSION) {
      throw new StorageException(
          what + " is encrypted in format version " + header[MAGIC.length] + "; this is 1");
    }
    int idLength = header[MAGIC.length + 1] & 0xff;
    if (idLength < 1 || idLength > ID_FIELD) {
      throw new StorageException(what + " has a corrupt encryption header");
    }
    String keyId = new String(header, MAGIC.length + 2, idLength, StandardCharsets.US_ASCII);
    if (!keyId.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new StorageException(what + " has a corrupt encryption header (its key id)");
    }
    SecretKey keyEncryptionKey = encryption.key(keyId);
    if (keyEncryptionKey == null) {
      throw new StorageException(
          what
              + " was encrypted with key '"
              + keyId
              + "', which is not among the keys given ("
              + encryption.source()
              + " holds "
              + encryption.ids()
              + "): add that key (a file named "
              + keyId
              + ")");
    }
    byte[] dataKey;
    try {
      Cipher unwrap = Cipher.getInstance("AES/GCM/NoPadding");
      unwrap.init(
          Cipher.DECRYPT_MODE, keyEncryptionKey, new GCMParameterSpec(128, header, PREFIX, 12));
      unwrap.updateAAD(header, 0, PREFIX);
      dataKey = unwrap.doFinal(header, PREFIX + 12, 32 + TAG);
    } catch (AEADBadTagException e) {
      throw new StorageException(
          "key '"
              + keyId
              + "' in "
              + encryption.source()
              + " does not decrypt "
              + what
              + ": it is not the key that encrypted it (same id, other bytes), or the header"
              + " was tampered with");
    } catch (GeneralSecurityException e) {
      throw new StorageException("cannot decrypt " + what + ": " + e.getMessage(), e);
    }
    SecretKey key = new SecretKeySpec(dataKey, "AES");
    Arrays.fill(dataKey, (byte) 0);
    return new Header(header.clone(), key, Arrays.copyOfRange(header, HEADER - 7, HEADER));
  }

  private static GCMParameterSpec nonce(byte[] prefix, long index, boolean last) {
    byte[] nonce = new byte[12];
    System.arraycopy(prefix, 0, nonce, 0, 7);
    nonce[7] = (byte) (index >>> 24);
    nonce[8] = (byte) (index >>> 16);
    nonce[9] = (byte) (index >>> 8);
    nonce[10] = (byte) index;
    nonce[11] = (byte) (last ? 1 : 0);
    return new GCMParameterSpec(128, nonce);
  }

  /**
   * {@code plain} as it is stored encrypted. Every read of it yields the same bytes (one data key
   * and nonce prefix per upload), so an SDK that reads the body again on a retry sends what it sent
   * before; the source must not change in between, which holds for snapshot files.
   */
  static Encrypting encrypting(UploadSource plain, ClientEncryption encryption) throws IOException {
    return new Encrypting(plain, newHeader(encryption));
  }

  /** An encrypting source, and the size and CRC32C of the plaintext its last complete read saw. */
  static final class Encrypting implements UploadSource {
    private final UploadSource plain;
    private final Header header;
    private volatile UploadResult plainResult;

    private Encrypting(UploadSource plain, Header header) {
      this.plain = plain;
      this.header = header;
    }

    UploadResult plainResult() {
      return plainResult;
    }

    @Override
    public long length() {
      return storedLength(plain.length());
    }

    @Override
    public boolean sameBytesEveryRun() {
      return false; // a data key and nonce prefix of its own per upload
    }

    @Override
    public String describe() {
      return plain.describe();
    }

    @Override
    public Chunks open() throws IOException {
      Chunks source = plain.open();
      long total = plain.length();
      Cipher cipher;
      try {
        cipher = Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        source.close();
        throw new StorageException("cannot encrypt: " + e.getMessage(), e);
      }
      return new Chunks() {
        private final CRC32C crc = new CRC32C();
        private final ByteBuffer block = ByteBuffer.allocate(CHUNK);
        private ByteBuffer pending;
        private boolean headerSent;
        private long index;
        private long read;
        private boolean done;

        @Override
        public ByteBuffer next() throws IOException {
          if (!headerSent) {
            headerSent = true;
            return ByteBuffer.wrap(header.bytes().clone());
          }
          if (done) {
            return null;
          }
          block.clear();
          while (block.hasRemaining() && read < total) {
            if (pending == null || !pending.hasRemaining()) {
              pending = source.next();
              if (pending == null) {
                throw new IOException(plain.describe() + " shrank while being uploaded");
              }
            }
            int n = Math.min(block.remaining(), pending.remaining());
            ByteBuffer slice = pending.slice(pending.position(), n);
            crc.update(slice.duplicate());
            block.put(slice);
            pending.position(pending.position() + n);
            read += n;
          }
          boolean last = read >= total;
          block.flip();
          ByteBuffer out = ByteBuffer.allocate(block.remaining() + TAG);
          try {
            cipher.init(
                Cipher.ENCRYPT_MODE, header.dataKey(), nonce(header.noncePrefix(), index, last));
            cipher.updateAAD(header.bytes());
            cipher.doFinal(block, out);
          } catch (GeneralSecurityException e) {
            throw new StorageException("cannot encrypt " + plain.describe() + ": " + e, e);
          }
          index++;
          if (last) {
            done = true;
            plainResult = new UploadResult(read, Checksums.hex(crc));
          }
          return out.flip();
        }

        @Override
        public void close() throws IOException {
          source.close();
        }
      };
    }
  }

  /** Reads and checks an object's header only: its key is listed and unwraps the data key. */
  static void requireHeader(InputStream stored, ClientEncryption encryption, String what)
      throws IOException {
    header(stored, encryption, what);
  }

  /** The header at the start of {@code stored}, read and checked. */
  private static Header header(InputStream stored, ClientEncryption encryption, String what)
      throws IOException {
    byte[] header = stored.readNBytes(HEADER);
    if (header.length < HEADER) {
      throw new StorageException(what + " is shorter than an encryption header: it is corrupt");
    }
    return readHeader(header, encryption, what);
  }

  /** The plaintext of a stored object, checked chunk by chunk as it is read. */
  static InputStream decrypting(InputStream stored, ClientEncryption encryption, String what)
      throws IOException {
    Header h;
    try {
      h = header(stored, encryption, what);
    } catch (IOException e) {
      stored.close();
      throw e;
    }
    return new Decrypting(new PushbackInputStream(stored, 1), h, what);
  }

  private static final class Decrypting extends InputStream {
    private final PushbackInputStream in;
    private final Header header;
    private final String what;
    private final Cipher cipher;
    private final byte[] sealed = new byte[CHUNK + TAG];
    private ByteBuffer plain = ByteBuffer.allocate(0);
    private long index;
    private boolean last;

    Decrypting(PushbackInputStream in, Header header, String what) throws IOException {
      this.in = in;
      this.header = header;
      this.what = what;
      try {
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new StorageException("cannot decrypt: " + e.getMessage(), e);
      }
    }

    private boolean fill() throws IOException {
      while (!plain.hasRemaining()) {
        if (last) {
          return false;
        }
        int n = in.readNBytes(sealed, 0, sealed.length);
        if (n < TAG) {
          throw new StorageException(
              what + " ends before its last chunk: it was truncated or is corrupt");
        }
        if (n == sealed.length) {
          int more = in.read();
          if (more >= 0) {
            in.unread(more);
          } else {
            last = true;
          }
        } else {
          last = true;
        }
        try {
          cipher.init(
              Cipher.DECRYPT_MODE, header.dataKey(), nonce(header.noncePrefix(), index, last));
          cipher.updateAAD(header.bytes());
          plain = ByteBuffer.wrap(cipher.doFinal(sealed, 0, n));
        } catch (AEADBadTagException e) {
          throw new StorageException(
              what
                  + " fails authentication at chunk "
                  + index
                  + ": it was tampered with, truncated or corrupted");
        } catch (GeneralSecurityException e) {
          throw new StorageException("cannot decrypt " + what + ": " + e.getMessage(), e);
        }
        index++;
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      return fill() ? plain.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, plain.remaining());
      plain.get(b, off, n);
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** A small object encrypted in memory (manifests, markers). */
  static byte[] encrypt(byte[] content, ClientEncryption encryption) throws IOException {
    UploadSource source =
        new UploadSource() {
          @Override
          public long length() {
            return content.length;
          }

          @Override
          public String describe() {
            return "an object in memory";
          }

          @Override
          public Chunks open() {
            return new Chunks() {
              private boolean given;

              @Override
              public ByteBuffer next() {
                if (given || content.length == 0) {
                  return null;
                }
                given = true;
                return ByteBuffer.wrap(content);
              }

              @Override
              public void close() {}
            };
          }
        };
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) storedLength(content.length));
    try (UploadSource.Chunks chunks = encrypting(source, encryption).open()) {
      for (ByteBuffer b; (b = chunks.next()) != null; ) {
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
      }
    }
    return out.toByteArray();
  }

  /** A small stored object decrypted in memory. */
  static byte[] decrypt(byte[] stored, ClientEncryption encryption, String what)
      throws IOException {
    try (InputStream in = decrypting(new ByteArrayInputStream(stored), encryption, what)) {
      return in.readAllBytes();
    }
  }
}
