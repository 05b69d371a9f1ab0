/**
 * A bare TCP relay on Netty's NIO transport, the floor of any Java proxy on this machine: the
 * select-only scenario runs it beside Meshgate so that the report separates the cost of
 * Meshgate's own work (protocol decoding, governance, audit) from the cost of the platform (the
 * JVM, Netty, two more sockets per connection). It forwards bytes both ways and nothing else: no
 * protocol decoding, no authentication, no governance, no audit. A measuring instrument, not a
 * product; it listens on 127.0.0.1 only.
 */
package io.meshgate.loadtests.relay;
