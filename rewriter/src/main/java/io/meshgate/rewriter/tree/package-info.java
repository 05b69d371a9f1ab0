/** Building blocks for the parse-tree nodes that Meshgate adds to a statement. */
package io.meshgate.rewriter.tree;
