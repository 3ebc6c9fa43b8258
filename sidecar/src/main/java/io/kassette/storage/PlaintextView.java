package io.kassette.storage;

import java.io.IOException;
import java.util.List;

/**
 * A store as seen without encryption: objects that client-side encryption stored ({@code
 * <key>.kenc}) do not show. Without it, a listing, verify or purge run without the keys would take
 * encrypted backups for incomplete ones and their pooled files for unreferenced ones, and delete
 * them. The mirror of {@link EncryptingStore}, which shows only those objects.
 */
final class PlaintextView extends ForwardingStore {

  PlaintextView(ObjectStore store) {
    super(store);
  }

  private static boolean encrypted(String key) {
    return key.endsWith(EncryptingStore.SUFFIX);
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    return store.list(prefix).stream().filter(o -> !encrypted(o.key())).toList();
  }

  /**
   * The store's own children without encrypted objects directly under {@code prefix}; a "directory"
   * that holds only encrypted objects (an encrypted backup) still shows, and is read as an
   * incomplete backup whose objects this view cannot see, so a purge deletes none of them.
   */
  @Override
  public List<String> listChildren(String prefix) throws IOException {
    return store.listChildren(prefix).stream().filter(c -> !encrypted(c)).toList();
  }
}
