/**
 * Who a client is: the users file (SCRAM-SHA-256 verifiers, never passwords, with groups and
 * attributes) and the checks that turn a password into a {@link io.meshgate.policy.Subject}.
 */
package io.meshgate.proxy.auth;
