package io.meshgate.rewriter.session;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** How one statement changes the session's search path, if it succeeds. */
public sealed interface SearchPathChange {
  /**
   * Whether the change lasts only until the end of the current transaction ({@code SET LOCAL})
   * rather than, once committed, for the session.
   */
  boolean local();

  /**
   * {@code SET [SESSION | LOCAL] search_path {TO | =} a, "B", 'c'} or {@code SET SCHEMA 'a'}.
   *
   * @param schemas the schema names as PostgreSQL stores them (unquoted words folded to lower
   *     case, quoted names and string literals as written), {@code $user} included
   */
  record SetTo(List<String> schemas, boolean local) implements SearchPathChange {
    public SetTo {
      schemas = List.copyOf(requireNonNull(schemas, "schemas is null"));
    }
  }

  /**
   * Back to the session's reset value, which is the value of the connection's startup packet
   * or the server default: {@code SET search_path TO DEFAULT}, {@code RESET search_path},
   * {@code RESET ALL}, {@code DISCARD ALL}.
   */
  record ResetToDefault(boolean local) implements SearchPathChange {}

  /**
   * A statement that changes the search path in a way Meshgate does not read (for example a
   * value that is not a list of names); after it the session's search path is unknown.
   */
  record Unrecognised(String statement) implements SearchPathChange {
    public Unrecognised {
      requireNonNull(statement, "statement is null");
    }

    @Override
    public boolean local() {
      return false;
    }
  }
}
