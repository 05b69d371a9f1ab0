/**
 * Connections from Meshgate to PostgreSQL backends, under Meshgate's own service identity:
 * startup and authentication (SCRAM-SHA-256, MD5, cleartext), then a raw frame relay. Users
 * never hold backend credentials.
 */
package io.meshgate.proxy.backend;
