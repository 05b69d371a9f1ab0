/**
 * The PostgreSQL wire protocol (version 3) as Meshgate needs it: one small type per message,
 * named as in the PostgreSQL documentation, decoders that split frames (and nothing more),
 * and encoders kept apart from the state machines that decide what to send.
 */
package io.meshgate.proxy.protocol;
