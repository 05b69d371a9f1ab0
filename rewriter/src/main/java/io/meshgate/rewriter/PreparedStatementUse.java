package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

/**
 * What a statement does to the session's prepared statements, which the proxy tracks so that
 * a statement prepared under one policy revision is not executed under another, and to its
 * portals (a cursor is one), which the proxy tracks so that a protocol Execute runs only a
 * portal it bound. Names are as PostgreSQL stores them (unquoted names folded), so they match
 * protocol-level statement and portal names.
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

  /** {@code DECLARE name CURSOR …}: the portal of that name now reads the cursor's query. */
  record DeclareCursor(String name) implements PreparedStatementUse {
    public DeclareCursor {
      requireNonNull(name, "name is null");
    }
  }

  /** {@code CLOSE name}: the portal of that name, a cursor or one a Bind created, is gone. */
  record CloseCursor(String name) implements PreparedStatementUse {
    public CloseCursor {
      requireNonNull(name, "name is null");
    }
  }

  /** {@code CLOSE ALL}: every portal is gone. */
  record CloseAllCursors() implements PreparedStatementUse {}
}
