/**
 * Runs the external tools the policy engine relies on (the OPA binary, the {@code policies/check}
 * script) as child processes: no terminal, a time limit that kills the whole process tree, and
 * bounded captured output, so that a hanging or chatty tool cannot stall or exhaust Meshgate.
 */
package io.meshgate.policy.command;
