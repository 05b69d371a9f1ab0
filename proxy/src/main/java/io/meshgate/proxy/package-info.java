/**
 * The proxy: {@link io.meshgate.proxy.Meshgate} assembles a running instance from a
 * configuration (policy engine, audit sink, schema metadata, rewriter, listener);
 * sub-packages hold the protocol codec, sessions, backends, authentication, configuration,
 * metrics, the command line and the demo.
 */
package io.meshgate.proxy;
