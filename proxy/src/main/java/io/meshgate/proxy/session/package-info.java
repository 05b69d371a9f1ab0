/**
 * One client session: the state machine from startup through authentication to statements,
 * relaying backend frames and writing one audit event per statement. Runs on the session's
 * event loop; blocking work (password checks, governance) goes to a worker executor and
 * comes back to the loop.
 */
package io.meshgate.proxy.session;
