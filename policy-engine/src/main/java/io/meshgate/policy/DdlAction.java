package io.meshgate.policy;

import java.util.Locale;

/**
 * {@code statement.ddl_action} of policy contract v1: what a statement of kind {@code ddl} does
 * to its target relations, so a policy can grant one action and not another (add a column but
 * not drop the table). Meshgate forwards only these actions; every other DDL is refused before a
 * policy is asked.
 */
public enum DdlAction {
  /** {@code CREATE TABLE name (column definitions)}; the target is the new table. */
  CREATE_TABLE,
  /** {@code DROP TABLE name [, ...]}. */
  DROP_TABLE,
  /** {@code TRUNCATE name [, ...]}: every row of the table is deleted. */
  TRUNCATE,
  /** {@code ALTER TABLE name RENAME TO new}; the targets are the table and its new name. */
  RENAME_TABLE,
  /** {@code ALTER TABLE name ADD COLUMN definition}. */
  ADD_COLUMN,
  /** {@code ALTER TABLE name DROP COLUMN column}. */
  DROP_COLUMN,
  /** {@code ALTER TABLE name RENAME COLUMN column TO new}. */
  RENAME_COLUMN,
  /** {@code CREATE INDEX ... ON name (columns)}; the target is the indexed table. */
  CREATE_INDEX,
  /** {@code DROP INDEX name}; the target is the table the index belongs to. */
  DROP_INDEX,
  /** {@code COMMENT ON TABLE name} or {@code COMMENT ON COLUMN name.column}. */
  COMMENT;

  /** The contract's spelling, e.g. {@code add_column}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
