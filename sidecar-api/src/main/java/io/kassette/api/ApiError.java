package io.kassette.api;

/**
 * The body of every answer that is not 2xx.
 *
 * @param field the request field at fault, when one is
 * @param running the operation holding the agent on a 409, when one does
 */
public record ApiError(int status, String message, String field, Operation running) {}
