/**
 * Building blocks for the parse-tree nodes that Meshgate adds to a statement, and the
 * operators that stand for PostgreSQL constructs Calcite's parser does not read ({@code
 * COLLATE}, {@code WITH ORDINALITY} after a function, {@code ONLY}, {@code DISTINCT ON}, a WITH
 * query's {@code [NOT] MATERIALIZED} hint, bit strings {@code B'101'}, array slices {@code
 * a[1:2]}, {@code ROW(…)} constructors, and binary operators such as {@code ->>}, {@code &&}
 * and {@code @@}).
 */
package io.meshgate.rewriter.tree;
