package io.meshgate.rewriter.analysis;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.copy.CopyCommandParser;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlWith;

/**
 * Tells the statement kind of the contract, first from the leading keyword (so statements
 * Meshgate does not govern are refused with their kind even when Calcite cannot parse them),
 * then from the parse tree.
 */
public final class StatementClassifier {
  private static final Set<String> QUERY_KEYWORDS = Set.of("select", "with", "values", "table");

  /** PostgreSQL statements that are neither queries, DML, DDL nor calls. */
  private static final Set<String> OTHER_STATEMENT_KEYWORDS =
      Set.of(
          "analyze", "analyse", "checkpoint", "declare", "execute", "explain", "fetch", "listen",
          "load", "lock", "move", "notify", "prepare", "unlisten", "vacuum");

  private static final Map<String, StatementKind> KINDS_BY_KEYWORD =
      Map.ofEntries(
          Map.entry("insert", StatementKind.INSERT),
          Map.entry("update", StatementKind.UPDATE),
          Map.entry("delete", StatementKind.DELETE),
          Map.entry("merge", StatementKind.MERGE),
          Map.entry("call", StatementKind.CALL),
          Map.entry("do", StatementKind.CALL),
          Map.entry("create", StatementKind.DDL),
          Map.entry("alter", StatementKind.DDL),
          Map.entry("drop", StatementKind.DDL),
          Map.entry("truncate", StatementKind.DDL),
          Map.entry("comment", StatementKind.DDL),
          Map.entry("grant", StatementKind.DDL),
          Map.entry("revoke", StatementKind.DDL),
          Map.entry("security", StatementKind.DDL),
          Map.entry("refresh", StatementKind.DDL),
          Map.entry("reindex", StatementKind.DDL),
          Map.entry("cluster", StatementKind.DDL),
          Map.entry("import", StatementKind.DDL),
          Map.entry("reassign", StatementKind.DDL));

  private static final Map<SqlKind, StatementKind> KINDS_BY_SQL_KIND =
      Map.of(
          SqlKind.INSERT, StatementKind.INSERT,
          SqlKind.UPDATE, StatementKind.UPDATE,
          SqlKind.DELETE, StatementKind.DELETE,
          SqlKind.MERGE, StatementKind.MERGE,
          SqlKind.PROCEDURE_CALL, StatementKind.CALL);

  private StatementClassifier() {}

  /**
   * Refuses a statement whose leading keyword shows it is not a query; returns normally for
   * statements that start like a query.
   */
  public static void refuseIfNotQuery(List<Token> significant) throws SqlRefusal {
    Token first = significant.get(0);
    if (first.type() == TokenType.OPEN_PAREN) {
      return;
    }
    if (first.type() != TokenType.WORD) {
      throw syntaxError(first);
    }
    String keyword = first.foldedWord();
    if (QUERY_KEYWORDS.contains(keyword)) {
      return;
    }
    if (keyword.equals("copy")) {
      // the analyzer reads COPY itself; this is for callers that only classify
      throw notGoverned("COPY", CopyCommandParser.kindOf(significant));
    }
    StatementKind kind = KINDS_BY_KEYWORD.get(keyword);
    if (kind == null && !OTHER_STATEMENT_KEYWORDS.contains(keyword)) {
      throw syntaxError(first);
    }
    throw notGoverned(
        keyword.toUpperCase(Locale.ROOT), kind == null ? StatementKind.UTILITY : kind);
  }

  /** The kind of a parsed statement, refusing anything that is not a query. */
  public static void refuseIfNotQuery(SqlNode statement) throws SqlRefusal {
    SqlKind kind = statement.getKind();
    if (kind == SqlKind.WITH) {
      // WITH ... INSERT and the like: the body decides
      refuseIfNotQuery(((SqlWith) statement).body);
      return;
    }
    if (kind.belongsTo(SqlKind.QUERY) || kind == SqlKind.ORDER_BY || kind == SqlKind.EXPLICIT_TABLE) {
      return;
    }
    StatementKind statementKind = KINDS_BY_SQL_KIND.getOrDefault(
        kind, kind.belongsTo(SqlKind.DDL) ? StatementKind.DDL : StatementKind.UTILITY);
    throw notGoverned(kind.sql.replace('_', ' '), statementKind);
  }

  private static SqlRefusal syntaxError(Token first) {
    return new SqlRefusal(
        Reason.SYNTAX_ERROR,
        "syntax error at or near \"" + first.text()
            + "\": Meshgate could not parse this statement, so it was not forwarded");
  }

  private static SqlRefusal notGoverned(String what, StatementKind kind) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        what + " statements are not governed by Meshgate yet; the statement was not forwarded",
        kind);
  }
}
