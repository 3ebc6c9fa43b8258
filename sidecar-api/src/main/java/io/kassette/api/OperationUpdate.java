package io.kassette.api;

/**
 * {@code PATCH /v1/{kind}-operations/{name}}: what may change while an operation runs.
 *
 * @param rateLimitMiBps the transfer limit in MiB/s, 0 for none: applied to the running transfers
 *     within a second (a bulk-loader stream already started keeps its limit until its table ends)
 */
public record OperationUpdate(Double rateLimitMiBps) {}
