package io.meshgate.rewriter.later;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.lexer.StatementText;
import java.util.Optional;

/** A statement whose SQL runs later or differently, split into what Meshgate needs. */
public sealed interface LaterCommand {
  /**
   * {@code PREPARE name [(types)] AS statement}.
   *
   * @param types the parameter type list as written, without parentheses; empty for none
   */
  record Prepare(String name, String types, StatementText statement) implements LaterCommand {
    public Prepare {
      requireNonNull(name, "name is null");
      requireNonNull(types, "types is null");
      requireNonNull(statement, "statement is null");
    }
  }

  /**
   * {@code DECLARE name [options] CURSOR [WITH | WITHOUT HOLD] FOR query}.
   *
   * @param options the options before CURSOR and the hold clause after it, as checked words
   */
  record Declare(String name, String options, String hold, StatementText query) implements LaterCommand {
    public Declare {
      requireNonNull(name, "name is null");
      requireNonNull(options, "options is null");
      requireNonNull(hold, "hold is null");
      requireNonNull(query, "query is null");
    }
  }

  /**
   * {@code EXPLAIN [(options) | ANALYZE VERBOSE] statement}.
   *
   * @param options the checked options as Meshgate writes them back, e.g. {@code (ANALYZE, FORMAT json)}
   */
  record Explain(String options, StatementText statement) implements LaterCommand {
    public Explain {
      requireNonNull(options, "options is null");
      requireNonNull(statement, "statement is null");
    }
  }

  /**
   * {@code EXECUTE name [(parameters)]}.
   *
   * @param parameters the parameter expressions as written, without the parentheses
   */
  record Execute(String name, Optional<String> parameters) implements LaterCommand {
    public Execute {
      requireNonNull(name, "name is null");
      requireNonNull(parameters, "parameters is null");
    }
  }
}
