package io.kassette.api;

import java.time.Instant;

/** One error an operation met; a retried operation keeps the errors of earlier attempts. */
public record OperationError(ErrorCause cause, String message, Instant at) {}
