/**
 * Who a client is. The users file (SCRAM-SHA-256 verifiers, never passwords, with groups and
 * attributes) and the checks that turn credentials into a {@link io.meshgate.policy.Subject}: a
 * server-side SCRAM exchange and a cleartext-password check against that file, bearer JSON Web
 * Tokens verified against the identity provider's keys, the classifier that tells the two kinds
 * of password apart, and the per-address limit on failed attempts. Failures the client sees are
 * {@link io.meshgate.proxy.auth.AuthenticationException}s carrying a SQLSTATE.
 */
package io.meshgate.proxy.auth;
