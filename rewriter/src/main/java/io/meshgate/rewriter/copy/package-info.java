/**
 * COPY statements: reading a client's COPY command from its tokens (what is copied, in which
 * direction, to or from where) and validating its options against the short list Meshgate
 * forwards. Deciding what to do with a command is the analyzer's job.
 */
package io.meshgate.rewriter.copy;
