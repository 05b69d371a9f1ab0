/**
 * The {@code meshgate} schema's virtual relations as SQL: their columns and types, and the
 * derived table of literal values that stands in for each reference to one. Values are SQL
 * literals built as parse-tree nodes (quoted by the unparser), each cast to its column's type,
 * so an empty relation still has the right columns and types.
 */
package io.meshgate.rewriter.virtual;
