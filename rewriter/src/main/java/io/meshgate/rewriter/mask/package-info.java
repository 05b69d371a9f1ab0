/**
 * The contract's named column masks rendered as SQL expressions, one implementation per
 * backend dialect behind {@link io.meshgate.rewriter.mask.MaskRenderer}, and the PostgreSQL
 * type categories that decide which mask fits which column.
 */
package io.meshgate.rewriter.mask;
