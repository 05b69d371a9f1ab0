/**
 * The domain teams' policy checks as a library, for the command line ({@code meshgate policy
 * check|test}) and for live reload: {@link io.meshgate.policy.tools.PolicyTools} runs the
 * repository's {@code policies/check} script itself (packaged into this jar at build time), so
 * there is one definition of what valid policies are.
 */
package io.meshgate.policy.tools;
