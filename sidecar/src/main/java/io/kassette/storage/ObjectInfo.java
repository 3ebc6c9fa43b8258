package io.kassette.storage;

import java.time.Instant;

/** An object's key (relative to the location), size in bytes and last modification time. */
public record ObjectInfo(String key, long size, Instant lastModified) {}
