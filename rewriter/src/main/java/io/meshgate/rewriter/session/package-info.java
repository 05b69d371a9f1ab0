/**
 * Session state that SQL text changes and that the analysis of later statements depends on:
 * today the search path, which decides what unqualified table names mean. The proxy's
 * session follows these changes; this package only reads them from statement text.
 */
package io.meshgate.rewriter.session;
