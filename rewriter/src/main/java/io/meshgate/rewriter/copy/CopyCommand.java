package io.meshgate.rewriter.copy;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.lexer.StatementText;
import java.util.List;

/**
 * What a COPY statement says.
 *
 * @param options the option clause as the client wrote it (significant tokens only, for
 *     example {@code WITH (FORMAT csv, HEADER)}), validated; empty when there is none
 * @param forceQuoteColumns the column names of a FORCE_QUOTE option, as PostgreSQL stores
 *     them ({@code *} is not listed)
 * @param hasWhereClause whether a COPY FROM filters rows with WHERE
 */
public record CopyCommand(
    Direction direction,
    Source source,
    Endpoint endpoint,
    String options,
    List<String> forceQuoteColumns,
    boolean hasWhereClause) {
  public CopyCommand {
    requireNonNull(direction, "direction is null");
    requireNonNull(source, "source is null");
    requireNonNull(endpoint, "endpoint is null");
    requireNonNull(options, "options is null");
    forceQuoteColumns = List.copyOf(requireNonNull(forceQuoteColumns, "forceQuoteColumns is null"));
    if (source instanceof Source.Query && direction == Direction.FROM) {
      throw new IllegalArgumentException("COPY (query) can only copy TO");
    }
  }

  /** {@code COPY ... TO} writes data out to its endpoint, {@code COPY ... FROM} reads it in. */
  public enum Direction {
    TO,
    FROM;

    public StatementKind statementKind() {
      return switch (this) {
        case TO -> StatementKind.COPY_OUT;
        case FROM -> StatementKind.COPY_IN;
      };
    }
  }

  /** Where the data goes or comes from. */
  public enum Endpoint {
    /** STDOUT or STDIN: the client, through the COPY sub-protocol. */
    CLIENT,
    /** A file on the database server. */
    FILE,
    /** A program the database server runs. */
    PROGRAM
  }

  /** What is copied. */
  public sealed interface Source {
    /** {@code COPY (query) TO}: the query's tokens, parentheses excluded. */
    record Query(StatementText query) implements Source {
      public Query {
        requireNonNull(query, "query is null");
      }
    }

    /**
     * {@code COPY name [(columns)]}: the name's parts and the listed columns as PostgreSQL
     * stores them (folded if unquoted, truncated to 63 bytes); no columns when none are listed.
     */
    record Table(List<String> name, List<String> columns) implements Source {
      public Table {
        name = List.copyOf(requireNonNull(name, "name is null"));
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        if (name.isEmpty()) {
          throw new IllegalArgumentException("a table name has at least one part");
        }
      }
    }
  }
}
