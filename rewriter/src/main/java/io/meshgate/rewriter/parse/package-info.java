/**
 * Turning a client's PostgreSQL statement into a Calcite parse tree: the lexical
 * normalization Calcite needs to read it with PostgreSQL's meaning, the parser
 * configuration, and mapping parse errors back to the client's text.
 */
package io.meshgate.rewriter.parse;
