package io.meshgate.rewriter.mask;

import io.meshgate.policy.ColumnMask;
import io.meshgate.rewriter.SqlRefusal;
import org.apache.calcite.sql.SqlNode;

/**
 * Renders the contract's named mask functions in one backend dialect. The result is an
 * expression over the raw column (referenced by its bare name) that has the column's own
 * type; it is evaluated inside the derived table, below everything the client wrote.
 */
public interface MaskRenderer {
  /**
   * @throws SqlRefusal with {@link SqlRefusal.Reason#POLICY_ERROR} when the mask does not fit
   *     the column's type or its expression does not validate
   */
  SqlNode render(ColumnMask mask, MaskTarget target) throws SqlRefusal;
}
