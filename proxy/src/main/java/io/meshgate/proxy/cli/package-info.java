/**
 * The {@code meshgate} command line: serve, demo, users for operators; audit verify, export and
 * usage for auditors and domain owners; policy check and test for domain teams.
 */
package io.meshgate.proxy.cli;
