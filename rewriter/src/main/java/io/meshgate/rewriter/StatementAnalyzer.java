package io.meshgate.rewriter;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Access;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.analysis.NameResolver;
import io.meshgate.rewriter.analysis.Resolution;
import io.meshgate.rewriter.analysis.StatementAnalysis;
import io.meshgate.rewriter.analysis.StatementClassifier;
import io.meshgate.rewriter.analysis.TableReference;
import io.meshgate.rewriter.analysis.TableReferenceFinder;
import io.meshgate.rewriter.analysis.UtilityStatements;
import io.meshgate.rewriter.session.SearchPathChange;
import io.meshgate.rewriter.session.SearchPathStatements;
import io.meshgate.rewriter.apply.DecisionApplier;
import io.meshgate.rewriter.apply.DerivedTableBuilder;
import io.meshgate.rewriter.copy.CopyCommand;
import io.meshgate.rewriter.copy.CopyCommand.Direction;
import io.meshgate.rewriter.copy.CopyCommand.Source;
import io.meshgate.rewriter.copy.CopyCommandParser;
import io.meshgate.rewriter.ddl.DdlStatements;
import io.meshgate.rewriter.lexer.CanonicalText;
import io.meshgate.rewriter.lexer.LexicalException;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.StatementSplitter;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.lock.LockedTables;
import io.meshgate.rewriter.lock.LockingClause;
import io.meshgate.rewriter.lock.LockingClauseReader;
import io.meshgate.rewriter.mask.PostgresMaskRenderer;
import io.meshgate.rewriter.parse.NormalizedText;
import io.meshgate.rewriter.parse.PostgresTextNormalizer;
import io.meshgate.rewriter.parse.SourcePositions;
import io.meshgate.rewriter.parse.SqlParsing;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import io.meshgate.rewriter.write.WriteStatement;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
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
  private final FunctionAllowlist functions;

  /**
   * @param catalogName the database name, the first part of every relation name (e.g. "mesh")
   */
  public StatementAnalyzer(SchemaCatalog catalog, String catalogName) {
    this(catalog, catalogName, FunctionAllowlist.builtIn());
  }

  /**
   * @param functions the functions statements may call (see {@link FunctionAllowlist}), and
   *     the settings they may change
   */
  public StatementAnalyzer(SchemaCatalog catalog, String catalogName, FunctionAllowlist functions) {
    this.functions = requireNonNull(functions, "functions is null");
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
    return analyze(sql, searchPath, Optional.empty());
  }

  /**
   * Like {@link #analyze(String, List)}, for a session whose end user is reported to the
   * backend in application_name: a client's change of application_name is rewritten to keep
   * {@code meshgate:<endUser>} in front, so the backend's logs always name the real user.
   */
  public AnalyzedStatement analyze(String sql, List<String> searchPath, String endUser) throws SqlRefusal {
    return analyze(sql, searchPath, Optional.of(requireNonNull(endUser, "endUser is null")));
  }

  private static List<StatementText> statements(String sql) throws SqlRefusal {
    try {
      return StatementSplitter.split(sql);
    } catch (LexicalException e) {
      throw new SqlRefusal(
          Reason.SYNTAX_ERROR,
          e.getMessage() + " at " + SourcePositions.describe(sql, e.offset())
              + "; the statement was not forwarded");
    }
  }

  private AnalyzedStatement analyze(String sql, List<String> searchPath, Optional<String> endUser)
      throws SqlRefusal {
    requireNonNull(sql, "sql is null");
    requireNonNull(searchPath, "searchPath is null");
    List<StatementText> statements = statements(sql);
    if (statements.isEmpty()) {
      // an empty query (at most comments): PostgreSQL answers it with EmptyQueryResponse, and
      // it gets nothing that Meshgate took for a comment
      return new PassthroughStatement(StatementKind.UTILITY, "");
    }
    if (statements.size() > 1) {
      // a simple Query is split first (split); a prepared statement holds one, as in PostgreSQL
      throw new SqlRefusal(
          Reason.SYNTAX_ERROR,
          "cannot insert multiple commands into a prepared statement; nothing was forwarded");
    }
    return analyzeOne(statements.get(0), searchPath, endUser);
  }

  private AnalyzedStatement analyzeOne(
      StatementText statement, List<String> searchPath, Optional<String> endUser)
      throws SqlRefusal {
    List<Token> significant = statement.significantTokens();
    if (UtilityStatements.isAllowed(significant, functions.settings())) {
      SearchPathChange pathChange = SearchPathStatements.changeOf(statement).orElse(null);
      if (pathChange instanceof SearchPathChange.SetTo path
          && UtilityStatements.listsPgCatalogAfterAnotherSchema(path.schemas())) {
        throw UtilityStatements.pgCatalogNotFirst();
      }
      if (pathChange instanceof SearchPathChange.Unrecognised && !UtilityStatements.keepsCurrentValue(significant)) {
        throw UtilityStatements.unreadableSearchPath();
      }
      if (endUser.isPresent()) {
        Optional<UtilityStatements.ApplicationNameChange> change =
            UtilityStatements.applicationNameChange(significant);
        if (change.isPresent()) {
          return new PassthroughStatement(
              StatementKind.UTILITY, ApplicationNames.setStatement(endUser.get(), change.get()));
        }
      }
      // Written back from the tokens Meshgate checked, not the client's text (CanonicalText).
      return new PassthroughStatement(
          StatementKind.UTILITY, canonical(significant), LaterStatements.utilityUse(significant));
    }
    Optional<AnalyzedStatement> later = LaterStatements.analyze(
        statement, inner -> analyzeOne(inner, searchPath, Optional.empty()));
    if (later.isPresent()) {
      return later.get();
    }
    if (DdlStatements.startsLikeDdl(significant)) {
      return DdlStatements.analyze(statement, catalog, catalogName, searchPath, functions);
    }
    Token first = significant.get(0);
    StatementKind kind = first.isWord("copy") ? CopyCommandParser.kindOf(significant)
        : first.isWord("insert") ? StatementKind.INSERT
        : first.isWord("update") ? StatementKind.UPDATE
        : first.isWord("delete") ? StatementKind.DELETE
        : StatementKind.SELECT;
    if (kind == StatementKind.SELECT) {
      StatementClassifier.refuseIfNotQuery(significant);
      WriteStatement.refuseWritesInWith(significant);
    }
    try {
      return switch (kind) {
        case COPY_OUT, COPY_IN -> analyzeCopy(statement, searchPath);
        case SELECT -> {
          LockingClauseReader.Split split = LockingClauseReader.split(statement);
          yield analyzeQuery(split.rest(), searchPath, StatementKind.SELECT, split.clauses());
        }
        case INSERT, UPDATE, DELETE -> {
          LockingClauseReader.refuseAnywhere(statement);
          yield WriteStatement.analyze(
              statement, kind, new NameResolver(catalog, catalogName, searchPath), applier, functions);
        }
        case MERGE, DDL, CALL, UTILITY ->
            throw new IllegalStateException("not a query or COPY: " + kind);
      };
    } catch (SqlRefusal refusal) {
      throw refusal.withStatementKind(kind);
    } catch (StackOverflowError e) {
      throw tooDeep(kind);
    }
  }

  /** Parsing and analysis recurse over the statement; absurd nesting is refused, not crashed on. */
  static SqlRefusal tooDeep(StatementKind kind) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        "the statement is nested too deeply for Meshgate; it was not forwarded",
        kind);
  }

  /**
   * @param kind SELECT, or COPY_OUT for the query of a COPY
   * @param lockingClauses the clauses cut from the end of a SELECT (see {@link LockingClauseReader})
   */
  private AnalyzedStatement analyzeQuery(
      StatementText statement, List<String> searchPath, StatementKind kind,
      List<LockingClause> lockingClauses) throws SqlRefusal {
    NormalizedText normalized = PostgresTextNormalizer.normalize(statement);
    SqlNode root = SqlParsing.parseStatement(normalized);
    StatementClassifier.refuseIfNotQuery(root);
    functions.check(root);
    NameResolver resolver = new NameResolver(catalog, catalogName, searchPath);
    StatementAnalysis analysis = TableReferenceFinder.find(root, resolver);
    List<TableReference> locked = LockedTables.find(root, analysis, lockingClauses);
    if (!analysis.touchesGovernedRelations() && analysis.virtualReferences().isEmpty()) {
      // what runs must be what was analysed: send the unparsed tree, not the client's text
      return new PassthroughStatement(
          kind, PostgresUnparser.unparse(root, normalized.parameterNumbers())
              + LockingClause.sql(lockingClauses));
    }
    return new GovernedStatement(kind, normalized,
        LockedTables.withUpdateAccess(analysis.relationAccesses(), locked),
        analysis.virtualRelations(), resolver.frozen(), applier, lockingClauses);
  }

  // ---- COPY

  private AnalyzedStatement analyzeCopy(StatementText statement, List<String> searchPath)
      throws SqlRefusal {
    CopyCommand command = CopyCommandParser.parse(statement);
    StatementKind kind = command.direction().statementKind();
    switch (command.endpoint()) {
      case CLIENT -> {
        // the only endpoint Meshgate forwards: the data passes through the proxy
      }
      case FILE, PROGRAM -> throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "COPY " + command.direction() + " a server-side file or program is not allowed through"
              + " Meshgate; copy " + (command.direction() == Direction.TO ? "TO STDOUT" : "FROM STDIN")
              + " instead (psql: \\copy)",
          kind);
    }
    return switch (command.direction()) {
      case TO -> copyOut(command, searchPath);
      case FROM -> copyIn(command, searchPath);
    };
  }

  private AnalyzedStatement copyOut(CopyCommand command, List<String> searchPath)
      throws SqlRefusal {
    StatementText query = switch (command.source()) {
      case Source.Query copied -> {
        refuseIfNotQuery(copied.query());
        LockingClauseReader.refuseAnywhere(copied.query());
        yield copied.query();
      }
      case Source.Table table -> selectFrom(table);
    };
    AnalyzedStatement analyzed = analyzeQuery(query, searchPath, StatementKind.COPY_OUT, List.of());
    boolean governedTable = command.source() instanceof Source.Table && !analyzed.relations().isEmpty();
    return new CopyOutStatement(
        analyzed,
        command.options(),
        governedTable ? Optional.of(analyzed.relations().get(0).relation()) : Optional.empty(),
        command.source() instanceof Source.Table ? command.forceQuoteColumns() : List.of());
  }

  /** {@code COPY (statement) TO} copies only queries through Meshgate, not DML with RETURNING. */
  private static void refuseIfNotQuery(StatementText query) throws SqlRefusal {
    Token first = query.significantTokens().get(0);
    boolean looksLikeQuery = first.type() == TokenType.OPEN_PAREN
        || first.isWord("select") || first.isWord("with") || first.isWord("values")
        || first.isWord("table");
    if (!looksLikeQuery) {
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          "COPY of a statement other than a query is not governed by Meshgate yet; the"
              + " statement was not forwarded",
          StatementKind.COPY_OUT);
    }
  }

  /**
   * {@code COPY table [(columns)] TO} as the query it stands for; names are quoted as
   * PostgreSQL stores them, so the query means exactly the table and columns the client named.
   */
  private static StatementText selectFrom(Source.Table table) {
    String columns = table.columns().isEmpty()
        ? "*"
        : table.columns().stream().map(PgIdentifiers::quote).collect(Collectors.joining(", "));
    String name = table.name().stream().map(PgIdentifiers::quote).collect(Collectors.joining("."));
    try {
      return StatementSplitter.split("SELECT " + columns + " FROM " + name).get(0);
    } catch (LexicalException e) {
      throw new IllegalStateException("quoted names always scan", e);
    }
  }

  private AnalyzedStatement copyIn(CopyCommand command, List<String> searchPath)
      throws SqlRefusal {
    if (command.hasWhereClause()) {
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          "COPY FROM ... WHERE is not governed by Meshgate yet; the statement was not forwarded",
          StatementKind.COPY_IN);
    }
    Source.Table table = switch (command.source()) {
      case Source.Table copied -> copied;
      case Source.Query query -> throw new IllegalStateException("COPY (query) FROM was parsed");
    };
    NameResolver resolver = new NameResolver(catalog, catalogName, searchPath);
    return switch (resolver.resolve(table.name())) {
      case Resolution.CatalogRelation relation -> throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "writing to " + relation.schema() + "." + relation.table()
              + " is not allowed through Meshgate",
          StatementKind.COPY_IN);
      case Resolution.Virtual virtual -> throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          virtual.relation() + " is read-only: Meshgate answers it from the policies",
          StatementKind.COPY_IN);
      case Resolution.Governed governed -> {
        List<String> all = governed.table().columnNames();
        List<String> referenced = table.columns().isEmpty()
            ? all
            : all.stream().filter(table.columns()::contains).toList();
        yield new CopyInStatement(
            new RelationAccess(governed.relation(), Access.INSERT, all, referenced),
            table.columns(),
            command.options());
      }
    };
  }

  /** A statement forwarded without parsing, as {@link CanonicalText} writes its tokens. */
  static String canonical(List<Token> significant) throws SqlRefusal {
    try {
      return CanonicalText.of(significant);
    } catch (LexicalException e) {
      throw new SqlRefusal(Reason.SYNTAX_ERROR, e.getMessage() + "; the statement was not forwarded",
          StatementKind.UTILITY);
    }
  }
}
