/**
 * One client session: the login ({@code SessionLogin}: startup, TLS, authentication), then the
 * state machine of statements ({@code ClientSession}), relaying backend frames and writing one
 * audit event per statement. Runs on the session's
 * event loop; blocking work (password checks, governance) goes to a worker executor and
 * comes back to the loop.
 */
package io.meshgate.proxy.session;
