/**
 * A PostgreSQL-faithful scanner: tokens, statement splitting, and decoding of string
 * literals and quoted identifiers. It is the only place that decides which characters of a
 * client's text are code and which are data, so utility statements can be recognised and
 * forwarded verbatim without a parser.
 */
package io.meshgate.rewriter.lexer;
