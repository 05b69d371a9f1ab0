/**
 * Robustness tests of the proxy against hostile clients: raw-socket clients that write any
 * bytes ({@code RawClient}, frames written independently of Meshgate's codecs in
 * {@code FrontendFrames}, seeded damage in {@code FrameMutator}), a watch for Netty buffer
 * leaks and unexpected server errors ({@code LeakWatch}), and integration tests that fuzz and
 * attack the running demo ({@code HostileClientsIT}, {@code ProtocolAttacksIT}). The decoder's
 * own fuzz test lives next to it in the protocol package.
 */
package io.meshgate.proxy.robustness;
