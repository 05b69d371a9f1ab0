package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.analysis.ForbiddenFunctions;
import io.meshgate.rewriter.analysis.NameResolver;
import io.meshgate.rewriter.analysis.StatementAnalysis;
import io.meshgate.rewriter.analysis.StatementClassifier;
import io.meshgate.rewriter.analysis.TableReferenceFinder;
import io.meshgate.rewriter.analysis.UtilityStatements;
import io.meshgate.rewriter.apply.DecisionApplier;
import io.meshgate.rewriter.apply.DerivedTableBuilder;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.StatementSplitter;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.mask.PostgresMaskRenderer;
import io.meshgate.rewriter.parse.NormalizedText;
import io.meshgate.rewriter.parse.PostgresTextNormalizer;
import io.meshgate.rewriter.parse.SourcePositions;
import io.meshgate.rewriter.parse.SqlParsing;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import java.util.List;
import org.apache.calcite.sql.SqlNode;

/**
 * Analyses one client statement: recognises utility statements to forward as written,
 * parses queries, resolves the tables they read and the columns they name, and prepares
 * them for rewriting under a decision. Thread-safe and reusable; it does no I/O of its own
 * (schema metadata comes from the {@link SchemaCatalog}).
 */
public final class StatementAnalyzer {
  private final SchemaCatalog catalog;
  private final String catalogName;
  private final DecisionApplier applier;

  /**
   * @param catalogName the database name, the first part of every relation name (e.g. "mesh")
   */
  public StatementAnalyzer(SchemaCatalog catalog, String catalogName) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.catalogName = requireNonNull(catalogName, "catalogName is null");
    if (catalogName.isEmpty()) {
      throw new IllegalArgumentException("catalogName must not be empty");
    }
    this.applier = new DecisionApplier(new DerivedTableBuilder(PostgresMaskRenderer.INSTANCE));
  }

  /**
   * @param searchPath the session's search path, schema names as PostgreSQL stores them
   *     ({@code $user} and schemas that do not exist are skipped)
   */
  public AnalyzedStatement analyze(String sql, List<String> searchPath) throws SqlRefusal {
    return analyze(sql, searchPath, java.util.Optional.empty());
  }

  /**
   * Like {@link #analyze(String, List)}, for a session whose end user is reported to the
   * backend in application_name: a client's change of application_name is rewritten to keep
   * {@code meshgate:<endUser>} in front, so the backend's logs always name the real user.
   */
  public AnalyzedStatement analyze(String sql, List<String> searchPath, String endUser) throws SqlRefusal {
    return analyze(sql, searchPath, java.util.Optional.of(requireNonNull(endUser, "endUser is null")));
  }

  private AnalyzedStatement analyze(String sql, List<String> searchPath, java.util.Optional<String> endUser)
      throws SqlRefusal {
    requireNonNull(sql, "sql is null");
    requireNonNull(searchPath, "searchPath is null");
    List<StatementText> statements;
    try {
      statements = StatementSplitter.split(sql);
    } catch (LexicalException e) {
      throw new SqlRefusal(
          Reason.SYNTAX_ERROR,
          e.getMessage() + " at " + SourcePositions.describe(sql, e.offset())
              + "; the statement was not forwarded");
    }
    if (statements.isEmpty()) {
      // an empty query: PostgreSQL answers it with EmptyQueryResponse
      return new PassthroughStatement(StatementKind.UTILITY, sql);
    }
    if (statements.size() > 1) {
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          "send one statement per query: Meshgate does not accept several statements in one"
              + " query string yet; nothing was forwarded");
    }
    StatementText statement = statements.get(0);
    List<Token> significant = statement.significantTokens();
    if (UtilityStatements.isAllowed(significant)) {
      if (endUser.isPresent()) {
        java.util.Optional<UtilityStatements.ApplicationNameChange> change =
            UtilityStatements.applicationNameChange(significant);
        if (change.isPresent()) {
          return new PassthroughStatement(
              StatementKind.UTILITY, ApplicationNames.setStatement(endUser.get(), change.get()));
        }
      }
      return new PassthroughStatement(StatementKind.UTILITY, sql);
    }
    StatementClassifier.refuseIfNotQuery(significant);
    try {
      return analyzeQuery(statement, searchPath);
    } catch (SqlRefusal refusal) {
      throw refusal.withStatementKind(StatementKind.SELECT);
    } catch (StackOverflowError e) {
      throw tooDeep();
    }
  }

  /** Parsing and analysis recurse over the statement; absurd nesting is refused, not crashed on. */
  static SqlRefusal tooDeep() {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        "the statement is nested too deeply for Meshgate; it was not forwarded",
        StatementKind.SELECT);
  }

  private AnalyzedStatement analyzeQuery(StatementText statement, List<String> searchPath)
      throws SqlRefusal {
    NormalizedText normalized = PostgresTextNormalizer.normalize(statement);
    SqlNode root = SqlParsing.parseStatement(normalized);
    StatementClassifier.refuseIfNotQuery(root);
    ForbiddenFunctions.check(root);
    NameResolver resolver = new NameResolver(catalog, catalogName, searchPath);
    StatementAnalysis analysis = TableReferenceFinder.find(root, resolver);
    if (!analysis.touchesGovernedRelations()) {
      // what runs must be what was analysed: send the unparsed tree, not the client's text
      return new PassthroughStatement(
          StatementKind.SELECT, PostgresUnparser.unparse(root, normalized.parameterNumbers()));
    }
    return new GovernedStatement(
        normalized, analysis.relationAccesses(), resolver.frozen(), applier);
  }
}
