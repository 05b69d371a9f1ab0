/**
 * Writing Calcite parse trees back as PostgreSQL: the dialect fixes that keep literals,
 * casts, parameters and function names meaning the same in PostgreSQL, and a type spec
 * that carries PostgreSQL's own type text for masked columns.
 */
package io.meshgate.rewriter.unparse;
