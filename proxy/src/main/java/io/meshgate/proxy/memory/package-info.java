/**
 * The process-wide budget of bytes that large client messages may hold while they are read,
 * wait and are governed: one session's memory is bounded by its own limits, the sum over all
 * sessions by this budget, so many clients sending large messages at once get refusals rather
 * than exhausting the memory every session shares.
 */
package io.meshgate.proxy.memory;
