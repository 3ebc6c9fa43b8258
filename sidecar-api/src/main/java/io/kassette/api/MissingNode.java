package io.kassette.api;

/**
 * A node of the ring that a backup does not hold (it was down, and {@code allowDownNodes} let the
 * backup go on because every token range kept a backed-up replica). Restores plan around it.
 */
public record MissingNode(
    String hostId, String address, String datacenter, String rack, String reason) {}
