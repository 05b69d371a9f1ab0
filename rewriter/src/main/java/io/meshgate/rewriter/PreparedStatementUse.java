package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

/**
 * What a statement does to the session's prepared statements, which the proxy tracks so that
 * a statement prepared under one policy revision is not executed under another. Names are as
 * PostgreSQL stores them (unquoted names folded), so they match protocol-level statement names.
 */
public sealed interface PreparedStatementUse {
  /** {@code PREPARE name AS …} creates the statement (if the name is free). */
  record Prepare(String name) implements PreparedStatementUse {
    public Prepare {
      requireNonNull(name, "name is null");
    }
  }

  /** {@code EXECUTE name} runs the statement prepared earlier. */
  record Execute(String name) implements PreparedStatementUse {
    public Execute {
      requireNonNull(name, "name is null");
    }
  }

  /** {@code DEALLOCATE [PREPARE] name}. */
  record Deallocate(String name) implements PreparedStatementUse {
    public Deallocate {
      requireNonNull(name, "name is null");
    }
  }

  /** {@code DEALLOCATE ALL} or {@code DISCARD ALL}: every prepared statement is gone. */
  record DeallocateAll() implements PreparedStatementUse {}
}
