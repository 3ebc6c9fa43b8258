package io.kassette.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kassette.storage.ObjectKeys;
import org.junit.jupiter.api.Test;

class BucketLayoutTest {
  @Test
  void keysFollowFormatV1() {
    BucketLayout layout = new BucketLayout("prod");
    assertThat(layout.clusterManifest("n1")).isEqualTo("kassette/v1/prod/backups/n1/backup.json");
    assertThat(layout.nodeManifest("n1", "8e0f3b4c-2f1a"))
        .isEqualTo("kassette/v1/prod/backups/n1/nodes/8e0f3b4c-2f1a.json.gz");
    assertThat(BucketLayout.fileKey("ks", "t", "abc", "nb-12-big-Data.db", "0a1b2c3d"))
        .isEqualTo("ks/t-abc/nb-12-big.0a1b2c3d/Data.db");
    assertThat(BucketLayout.fileKey("ks", "t", "abc", ".t_idx/nb-3-big-Index.db", "ff"))
        .isEqualTo("ks/t-abc/.t_idx/nb-3-big.ff/Index.db");
    assertThat(
            BucketLayout.fileKey(
                "ks", "t", "abc", "da-3gqh_0kz2_1u2ak2dnfjs1wdh3nm-bti-Partitions.db", "ff"))
        .isEqualTo("ks/t-abc/da-3gqh_0kz2_1u2ak2dnfjs1wdh3nm-bti.ff/Partitions.db");
  }

  @Test
  void namesThatWouldEscapeAreRefused() {
    assertThatThrownBy(() -> new BucketLayout("../etc"))
        .hasMessageContaining("--cluster '../etc' is invalid");
    assertThatThrownBy(() -> new BucketLayout("p").clusterManifest("a/b"))
        .hasMessageContaining("--name 'a/b' is invalid");
    assertThatThrownBy(() -> ObjectKeys.requireSafe("ks/../../etc/x"))
        .hasMessageContaining("'..' segment");
    assertThatThrownBy(() -> ObjectKeys.requireSafe("ks/t\u0000x"))
        .hasMessageContaining("forbidden character");
  }

  @Test
  void mutableComponentsAreRecognised() {
    assertThat(SSTableName.parse("nb-1-big-Statistics.db")).get().matches(SSTableName::mutable);
    assertThat(SSTableName.parse("nb-1-big-Data.db")).get().matches(n -> !n.mutable());
    assertThat(SSTableName.parse("manifest.json")).isEmpty();
  }
}
