package io.meshgate.proxy.governance;

import static java.util.Objects.requireNonNull;

import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link SchemaCatalog} that notes, on the analysing thread, every lookup an analysis makes and
 * what it answered. Those lookups are everything a cached analysis depends on outside its SQL
 * text: {@link StatementCache} serves the analysis again only while the catalog still gives the
 * same answers, so the cache is never staler than the schema metadata itself.
 */
final class RecordingSchemaCatalog implements SchemaCatalog {
  private final SchemaCatalog delegate;
  private final ThreadLocal<List<SchemaLookup>> recording = new ThreadLocal<>();

  RecordingSchemaCatalog(SchemaCatalog delegate) {
    this.delegate = requireNonNull(delegate, "delegate is null");
  }

  @Override
  public Optional<TableSchema> table(String schema, String table) {
    Optional<TableSchema> answer = delegate.table(schema, table);
    List<SchemaLookup> lookups = recording.get();
    if (lookups != null) {
      lookups.add(new SchemaLookup(schema, table, answer));
    }
    return answer;
  }

  @Override
  public Optional<String> schema(String searchPathEntry) {
    return delegate.schema(searchPathEntry);
  }

  @Override
  public Optional<String> indexTable(String schema, String index) {
    return delegate.indexTable(schema, index);
  }

  @Override
  public void invalidate(String schema, String table) {
    delegate.invalidate(schema, table);
  }

  /** Starts noting this thread's lookups; {@link #stop()} returns them. */
  void start() {
    recording.set(new ArrayList<>());
  }

  List<SchemaLookup> stop() {
    List<SchemaLookup> lookups = recording.get();
    recording.remove();
    return lookups == null ? List.of() : List.copyOf(lookups);
  }

  /** Whether every lookup still gets the answer it got (a lookup may load from the backend). */
  boolean stillAnswers(List<SchemaLookup> lookups) {
    for (SchemaLookup lookup : lookups) {
      if (!delegate.table(lookup.schema(), lookup.table()).equals(lookup.answer())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Like {@link #stillAnswers}, from the catalog's memory alone: false as soon as one lookup
   * would have to load (never blocks), so the caller goes the blocking way.
   */
  boolean stillAnswersFromMemory(List<SchemaLookup> lookups) {
    for (SchemaLookup lookup : lookups) {
      if (!delegate.answersFromMemory(lookup.schema(), lookup.table(), lookup.answer())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean answersFromMemory(String schema, String table, Optional<TableSchema> answer) {
    return delegate.answersFromMemory(schema, table, answer);
  }

  /** One lookup of an analysis and its answer (empty: no such relation). */
  record SchemaLookup(String schema, String table, Optional<TableSchema> answer) {
    SchemaLookup {
      requireNonNull(schema, "schema is null");
      requireNonNull(table, "table is null");
      requireNonNull(answer, "answer is null");
    }
  }
}
