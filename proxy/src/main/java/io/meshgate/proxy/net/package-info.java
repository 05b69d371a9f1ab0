/**
 * The network transport: which Netty I/O handler and channel classes every listener and
 * outgoing connection of Meshgate uses (native epoll on Linux, Java NIO elsewhere), chosen in
 * one place so a session's client and backend channels always fit the event loop they share.
 */
package io.meshgate.proxy.net;
