/**
 * Connections from Meshgate to PostgreSQL backends, under Meshgate's own service identity:
 * startup and authentication (SCRAM-SHA-256, MD5, cleartext), then a raw frame relay. Users
 * never hold backend credentials. The SCRAM SaltedPassword of the service password is derived
 * once per backend salt ({@link io.meshgate.proxy.backend.SaltedPasswordCache}), not per
 * connection.
 */
package io.meshgate.proxy.backend;
