/**
 * Applying a decision to an analysed statement: validating filters and policy expressions,
 * building the derived tables that replace governed table references, and refusing
 * statements that name denied columns.
 */
package io.meshgate.rewriter.apply;
