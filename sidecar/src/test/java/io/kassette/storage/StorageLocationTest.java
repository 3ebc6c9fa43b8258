package io.kassette.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StorageLocationTest {
  @Test
  void parsesTheThreeSchemes() {
    assertThat(StorageLocation.parse("s3://my-bucket/a/b/"))
        .isEqualTo(
            new StorageLocation(
                StorageLocation.Scheme.S3, "my-bucket", "a/b", "s3://my-bucket/a/b"));
    assertThat(StorageLocation.parse("gs://bkt").prefix()).isEmpty();
    assertThat(StorageLocation.parse("file:///var/backups/../b/").prefix()).isEqualTo("var/b");
  }

  @Test
  void rejectsUnknownSchemesAndBadBuckets() {
    assertThatThrownBy(() -> StorageLocation.parse("ftp://host/x"))
        .hasMessageContaining("unknown scheme 'ftp'")
        .hasMessageContaining("file://, s3://, gs:// or az://");
    assertThat(StorageLocation.parse("az://backups/prod").scheme())
        .isEqualTo(StorageLocation.Scheme.AZ);
    assertThatThrownBy(() -> StorageLocation.parse("s3://UPPER/x"))
        .hasMessageContaining("bucket name");
    assertThatThrownBy(() -> StorageLocation.parse("file://relative/x"))
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> StorageLocation.parse("")).hasMessageContaining("empty");
  }
}
