/**
 * Meshgate's configuration: one properties file, every key documented with its default in
 * {@link io.meshgate.proxy.config.ConfigKeys}, validated at start-up with messages that name
 * the key and the fix.
 */
package io.meshgate.proxy.config;
