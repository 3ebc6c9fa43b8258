package io.kassette.storage;

/** What an upload stored: its size and the CRC32C of its bytes, computed while streaming. */
public record UploadResult(long size, String crc32c) {}
