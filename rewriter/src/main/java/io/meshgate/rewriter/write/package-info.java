/**
 * Governing INSERT, UPDATE and DELETE: reading the statement's clauses, analysing their
 * expressions like a query (the target plus every table read), and writing the statement
 * back with the row filters as a restriction (UPDATE, DELETE) and as a check on the new row
 * (INSERT, UPDATE), masks substituted for the target's masked columns, and every other
 * table replaced by its derived table.
 */
package io.meshgate.rewriter.write;
