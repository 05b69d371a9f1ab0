package io.meshgate.rewriter.tree;

/**
 * PostgreSQL's planner hint on a WITH query ({@code name AS [NOT] MATERIALIZED (query)}, since
 * PostgreSQL 12): evaluate the query once as a fence, or let the planner inline it. It never
 * changes which rows a query can see, so it is written back as the client wrote it.
 */
public enum CteMaterialization {
  MATERIALIZED("MATERIALIZED"),
  NOT_MATERIALIZED("NOT MATERIALIZED");

  private final String keywords;

  CteMaterialization(String keywords) {
    this.keywords = keywords;
  }

  /** The words as PostgreSQL reads them after {@code AS}. */
  public String keywords() {
    return keywords;
  }
}
