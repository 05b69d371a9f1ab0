/**
 * SELECT and COPY governance for Meshgate: {@link io.meshgate.rewriter.StatementAnalyzer}
 * parses a client's PostgreSQL statement with Calcite, tells its kind, the relations it reads
 * and the columns it names, and rewrites it under a policy decision so that every governed
 * table is read through a derived table that filters rows and masks columns beneath
 * everything the client wrote. {@code COPY ... TO STDOUT} is governed as the query it copies;
 * {@code COPY ... FROM STDIN} is forwarded only where the decision leaves the table
 * unrestricted. The proxy implements {@link io.meshgate.rewriter.SchemaCatalog}; this module
 * does no I/O. Internals live in sub-packages: {@code lexer}, {@code parse}, {@code analysis},
 * {@code apply}, {@code mask}, {@code tree}, {@code unparse} and {@code copy}.
 */
package io.meshgate.rewriter;
