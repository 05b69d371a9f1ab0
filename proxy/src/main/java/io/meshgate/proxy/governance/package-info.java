/**
 * The governance step of a statement, run off the event loop: analyse (rewriter), decide
 * (policy engine), rewrite (rewriter). The proxy maps between the two modules here; neither
 * knows the other's internals. Every failure becomes a refusal: nothing is forwarded
 * unrewritten.
 */
package io.meshgate.proxy.governance;
