/**
 * DDL statements: which forms Meshgate forwards (a small allowlist whose effect it can name:
 * CREATE TABLE with column definitions, ALTER TABLE ADD/DROP/RENAME COLUMN and RENAME TO, DROP
 * TABLE, TRUNCATE, CREATE/DROP INDEX on columns, COMMENT ON TABLE/COLUMN), read from their
 * tokens, their targets resolved like table names, and forwarded rebuilt from what was read
 * (names qualified and quoted, expressions parsed, checked against the function allowlist and
 * unparsed). Everything else that starts like DDL is refused with the reason: it embeds a query
 * or code, changes privileges or the enforcement, or is simply not governed; the refusal names
 * the statement's action for the audit log when its leading words make it certain.
 */
package io.meshgate.rewriter.ddl;
