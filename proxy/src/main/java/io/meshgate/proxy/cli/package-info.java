/** The {@code meshgate} command line: serve, demo, users. */
package io.meshgate.proxy.cli;
