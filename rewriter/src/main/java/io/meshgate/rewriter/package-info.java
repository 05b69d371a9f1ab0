/**
 * SELECT governance for Meshgate: {@link io.meshgate.rewriter.StatementAnalyzer} parses a
 * client's PostgreSQL statement with Calcite, tells its kind, the relations it reads and the
 * columns it names, and rewrites it under a policy decision so that every governed table is
 * read through a derived table that filters rows and masks columns beneath everything the
 * client wrote. The proxy implements {@link io.meshgate.rewriter.SchemaCatalog}; this module
 * does no I/O. Internals live in sub-packages: {@code lexer}, {@code parse}, {@code analysis},
 * {@code apply}, {@code mask}, {@code tree} and {@code unparse}.
 */
package io.meshgate.rewriter;
