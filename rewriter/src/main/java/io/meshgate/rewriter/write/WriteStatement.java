package io.meshgate.rewriter.write;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Access;
import io.meshgate.policy.Decision;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.ColumnSchema;
import io.meshgate.rewriter.RewrittenStatement;
import io.meshgate.rewriter.RowFilterCheck;
import io.meshgate.rewriter.RowFilterCheck.CheckedRow;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.SqlRefusal.Reason;
import io.meshgate.rewriter.analysis.ColumnReference;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.analysis.NameResolver;
import io.meshgate.rewriter.analysis.Resolution;
import io.meshgate.rewriter.analysis.StatementAnalysis;
import io.meshgate.rewriter.analysis.TableReference;
import io.meshgate.rewriter.analysis.TableReferenceFinder;
import io.meshgate.rewriter.apply.DecisionApplier;
import io.meshgate.rewriter.apply.PredicatePushdown;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.parse.NormalizedText;
import io.meshgate.rewriter.parse.PostgresTextNormalizer;
import io.meshgate.rewriter.parse.SqlParsing;
import io.meshgate.rewriter.tree.SqlNodes;
import io.meshgate.rewriter.unparse.PostgresUnparser;
import io.meshgate.rewriter.write.WriteClauses.Assignment;
import io.meshgate.rewriter.write.WriteClauses.Conflict;
import io.meshgate.rewriter.write.WriteClauses.InsertSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;

/**
 * An INSERT, UPDATE or DELETE on a governed table. The target gets the write access with the
 * columns written, and a read access when the statement reads its columns; every other table
 * is a read, rewritten as in a query. Under a decision:
 *
 * <ul>
 *   <li>writing a masked or denied column is refused;
 *   <li>UPDATE and DELETE touch only rows that pass the filters: {@code WHERE filters AND CASE
 *       WHEN filters THEN <client's condition> ELSE false END} (the CASE keeps PostgreSQL from
 *       evaluating the client's condition on other rows, where an error could reveal them);
 *       copies of the condition's leakproof comparisons ({@link PredicatePushdown}) stand beside
 *       the filters, so {@code WHERE id = 42} can still use an index;
 *   <li>a new row (INSERT, or an UPDATE assigning a column the filters read) is checked like
 *       PostgreSQL's WITH CHECK: the values are computed once in a derived table ({@code OFFSET
 *       0} keeps it from being merged, so a volatile expression is not evaluated twice), and
 *       {@code CAST(CASE WHEN <filters over the new row> IS TRUE THEN NULL ELSE '<marker>' END AS
 *       integer) IS NULL} is true or raises (see {@link RowFilterCheck});
 *   <li>the client's expressions (values, condition, RETURNING) see the mask in place of every
 *       masked column of the target, and {@code RETURNING *} lists the allowed columns, masked.
 * </ul>
 *
 * Each rewrite parses the normalized analysis query again (parse trees are mutable).
 */
public final class WriteStatement implements AnalyzedStatement {
  private static final String NEW_ROW = WriteStatementParser.RESERVED_PREFIX + "new";
  private static final String SOURCE = WriteStatementParser.RESERVED_PREFIX + "source";

  private final WriteClauses clauses;
  private final NormalizedText normalized;
  private final List<String> writtenColumns;
  /** ON CONFLICT DO UPDATE: the SET targets and the columns of the proposed row it reads. */
  private final Upsert upsert;
  private final List<RelationAccess> relations;
  private final NameResolver resolver;
  private final DecisionApplier applier;

  private WriteStatement(
      WriteClauses clauses,
      NormalizedText normalized,
      List<String> writtenColumns,
      Upsert upsert,
      List<RelationAccess> relations,
      NameResolver frozenResolver,
      DecisionApplier applier) {
    this.clauses = clauses;
    this.normalized = normalized;
    this.writtenColumns = List.copyOf(writtenColumns);
    this.upsert = upsert;
    this.relations = List.copyOf(relations);
    this.resolver = frozenResolver;
    this.applier = applier;
  }

  /**
   * Analyses an INSERT, UPDATE or DELETE.
   *
   * @param kind INSERT, UPDATE or DELETE, as the statement's first keyword says
   * @param functions the functions the statement may call (values, conditions, RETURNING)
   */
  public static AnalyzedStatement analyze(
      StatementText statement, StatementKind kind, NameResolver resolver, DecisionApplier applier,
      FunctionAllowlist functions)
      throws SqlRefusal {
    requireNonNull(resolver, "resolver is null");
    requireNonNull(applier, "applier is null");
    requireNonNull(functions, "functions is null");
    try {
      WriteClauses clauses = WriteStatementParser.parse(statement, kind);
      NormalizedText normalized = PostgresTextNormalizer.normalize(clauses.analysisQuery());
      Parsed parsed = parse(normalized, resolver, kind);
      functions.check(parsed.select());
      List<String> written = writtenColumns(clauses, parsed);
      TableReference target = parsed.target();
      List<String> tableColumns = target.table().columnNames();
      Upsert upsert = Upsert.of(clauses, parsed.select(), parsed.analysis(), target);
      List<RelationAccess> relations = new ArrayList<>();
      relations.add(new RelationAccess(target.relation(), access(kind), tableColumns,
          tableColumns.stream()
              .filter(column -> written.contains(column)
                  || upsert.excludedColumns().contains(column))
              .toList()));
      if (upsert.isUpsert()) {
        relations.add(new RelationAccess(target.relation(), Access.UPDATE, tableColumns,
            tableColumns.stream().filter(upsert.setColumns()::contains).toList()));
      }
      long targetReferences = parsed.analysis().references().stream()
          .filter(reference -> reference.relation().equals(target.relation()))
          .count();
      for (RelationAccess read : parsed.analysis().relationAccesses()) {
        boolean targetRead = read.relation().equals(target.relation());
        if (!targetRead || !read.referencedColumns().isEmpty() || targetReferences > 1) {
          relations.add(read);
        }
      }
      return new WriteStatement(
          clauses, normalized, written, upsert, relations, resolver.frozen(), applier);
    } catch (SqlRefusal refusal) {
      throw refusal.withStatementKind(kind);
    } catch (StackOverflowError e) {
      throw tooDeep(kind);
    }
  }

  /**
   * Refuses a query whose WITH holds a data-modifying statement ({@code WITH x AS (UPDATE
   * ...)}) or precedes one ({@code WITH x AS (...) INSERT ...}): 0A000 with a message that
   * says so, rather than a syntax error from the parser.
   */
  public static void refuseWritesInWith(List<Token> significant) throws SqlRefusal {
    if (!significant.get(0).isWord("with")) {
      return;
    }
    for (int i = 1; i + 1 < significant.size(); i++) {
      Token previous = significant.get(i - 1);
      Token token = significant.get(i);
      Token next = significant.get(i + 1);
      boolean statementStart = previous.type() == TokenType.OPEN_PAREN
          || previous.type() == TokenType.CLOSE_PAREN;
      boolean write = (token.isWord("insert") && next.isWord("into"))
          || (token.isWord("merge") && next.isWord("into"))
          || (token.isWord("delete") && next.isWord("from"))
          || (token.isWord("update") && (next.type() == TokenType.WORD
              || next.type() == TokenType.QUOTED_IDENTIFIER));
      if (statementStart && write) {
        throw new SqlRefusal(
            Reason.NOT_GOVERNED,
            "not supported by Meshgate yet: " + token.text().toUpperCase(java.util.Locale.ROOT)
                + " together with WITH (data-modifying CTEs); send the write as a statement of"
                + " its own. The statement was not forwarded",
            token.isWord("insert") ? StatementKind.INSERT
                : token.isWord("update") ? StatementKind.UPDATE
                : token.isWord("delete") ? StatementKind.DELETE
                : StatementKind.MERGE);
      }
    }
  }

  @Override
  public StatementKind kind() {
    return clauses.kind();
  }

  @Override
  public boolean requiresDecision() {
    return true;
  }

  @Override
  public List<RelationAccess> relations() {
    return relations;
  }

  @Override
  public String passthroughSql() {
    throw new IllegalStateException("this statement needs a decision; call rewrite(decision)");
  }

  @Override
  public String rewrite(Decision decision) throws SqlRefusal {
    return rewriteWithChecks(decision).sql();
  }

  @Override
  public RewrittenStatement rewriteWithChecks(Decision decision) throws SqlRefusal {
    requireNonNull(decision, "decision is null");
    try {
      return new Rewrite(parse(normalized, resolver, kind()), decision).build();
    } catch (SqlRefusal refusal) {
      throw refusal.withStatementKind(kind());
    } catch (StackOverflowError e) {
      throw tooDeep(kind());
    }
  }

  @Override
  public String toString() {
    return "WriteStatement[" + kind() + ": " + normalized.text() + "]";
  }

  // ---- analysis

  /** The parsed analysis query, what the finder found in it, and the target's reference. */
  private record Parsed(SqlSelect select, StatementAnalysis analysis, TableReference target) {}

  private static Parsed parse(NormalizedText normalized, NameResolver resolver, StatementKind kind)
      throws SqlRefusal {
    SqlNode root = SqlParsing.parseStatement(normalized);
    if (!(root instanceof SqlSelect select)) {
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          "not supported by Meshgate yet: this form of " + kind.name()
              + "; the statement was not forwarded",
          kind);
    }
    StatementAnalysis analysis = TableReferenceFinder.find(select, resolver);
    if (!analysis.virtualRelations().isEmpty()) {
      // the discovery tables are answered by Meshgate from literals: nothing to write, and a
      // write that reads them would need the session's rows, which writes do not take
      throw new SqlRefusal(
          Reason.NOT_GOVERNED,
          "the meshgate schema's discovery tables can be read only by queries, not named in "
              + kind.name() + "; the statement was not forwarded",
          kind);
    }
    SqlIdentifier targetName = targetName(select.getFrom());
    for (TableReference reference : analysis.references()) {
      if (reference.name() == targetName) {
        return new Parsed(select, analysis, reference);
      }
    }
    if (resolver.resolve(targetName.names) instanceof Resolution.CatalogRelation catalogRelation) {
      throw new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "writing to " + catalogRelation.schema() + "." + catalogRelation.table()
              + " is not allowed through Meshgate",
          kind);
    }
    throw new IllegalStateException("the target of the write was not found");
  }

  /** The target is the first FROM item of the analysis query. */
  private static SqlIdentifier targetName(SqlNode from) {
    SqlNode first = from;
    while (first instanceof SqlJoin join) {
      first = join.getLeft();
    }
    if (first.getKind() == SqlKind.AS) {
      first = ((SqlCall) first).operand(0);
    }
    return (SqlIdentifier) first;
  }

  private static List<String> writtenColumns(WriteClauses clauses, Parsed parsed)
      throws SqlRefusal {
    return switch (clauses.kind()) {
      case UPDATE -> clauses.assignments().stream().map(Assignment::column).distinct().toList();
      case DELETE -> List.of();
      case INSERT -> insertedColumns(clauses, parsed);
      case SELECT, MERGE, COPY_OUT, COPY_IN, DDL, CALL, UTILITY ->
          throw new IllegalStateException("not a write: " + clauses.kind());
    };
  }

  private static List<String> insertedColumns(WriteClauses clauses, Parsed parsed)
      throws SqlRefusal {
    if (clauses.insertSource() == InsertSource.DEFAULT_VALUES) {
      return List.of();
    }
    int width = sourceWidth(insertSource(parsed.select()));
    List<String> columns = clauses.insertColumns();
    if (columns.isEmpty()) {
      List<String> all = parsed.target().table().columnNames();
      if (width < 0) {
        throw new SqlRefusal(
            Reason.NOT_GOVERNED,
            "name the columns of the INSERT (INSERT INTO t (a, b) ...): Meshgate cannot tell"
                + " which columns a query with * writes; the statement was not forwarded");
      }
      if (width > all.size()) {
        throw new SqlRefusal(
            Reason.SYNTAX_ERROR, "INSERT has more expressions than target columns");
      }
      return all.subList(0, width);
    }
    if (width >= 0 && width != columns.size()) {
      throw new SqlRefusal(
          Reason.SYNTAX_ERROR,
          width > columns.size()
              ? "INSERT has more expressions than target columns"
              : "INSERT has more target columns than expressions");
    }
    return columns;
  }

  /** The query an INSERT inserts: the FROM item of the analysis query named meshgate_source. */
  private static SqlNode insertSource(SqlSelect select) {
    SqlNode from = select.getFrom();
    while (from instanceof SqlJoin join) {
      SqlCall as = (SqlCall) join.getRight();
      if (((SqlIdentifier) as.operand(1)).getSimple().equals(SOURCE)) {
        return as.operand(0);
      }
      from = join.getLeft();
    }
    throw new IllegalStateException("the source of the INSERT was not found");
  }

  /** How many columns a query yields, or -1 when it cannot be told without the catalog. */
  private static int sourceWidth(SqlNode query) {
    if (query instanceof SqlSelect select) {
      for (SqlNode item : select.getSelectList()) {
        if (item instanceof SqlIdentifier identifier && identifier.isStar()) {
          return -1;
        }
      }
      return select.getSelectList().size();
    }
    if (query instanceof SqlOrderBy orderBy) {
      return sourceWidth(orderBy.query);
    }
    if (query instanceof SqlWith with) {
      return sourceWidth(with.body);
    }
    if (query instanceof SqlCall call) {
      SqlKind kind = call.getKind();
      if (kind == SqlKind.UNION || kind == SqlKind.INTERSECT || kind == SqlKind.EXCEPT) {
        return sourceWidth(call.operand(0));
      }
      if (kind == SqlKind.VALUES && call.operandCount() > 0
          && call.operand(0) instanceof SqlCall row) {
        return row.operandCount();
      }
    }
    return -1;
  }

  private static Access access(StatementKind kind) {
    return switch (kind) {
      case INSERT -> Access.INSERT;
      case UPDATE -> Access.UPDATE;
      case DELETE -> Access.DELETE;
      case SELECT, MERGE, COPY_OUT, COPY_IN, DDL, CALL, UTILITY ->
          throw new IllegalStateException("not a write: " + kind);
    };
  }

  private static SqlRefusal tooDeep(StatementKind kind) {
    return new SqlRefusal(
        Reason.NOT_GOVERNED,
        "the statement is nested too deeply for Meshgate; it was not forwarded",
        kind);
  }

  // ---- rewriting

  /** One rewrite of one fresh parse tree. */
  private final class Rewrite {
    private final SqlSelect select;
    private final StatementAnalysis analysis;
    private final TableReference target;
    private final Decision decision;
    private final String alias;
    private TargetPolicy policy;

    Rewrite(Parsed parsed, Decision decision) {
      this.select = parsed.select();
      this.analysis = parsed.analysis();
      this.target = parsed.target();
      this.decision = decision;
      this.alias = target.exposedName();
    }

    RewrittenStatement build() throws SqlRefusal {
      Set<SqlIdentifier> bases = applier.apply(analysis, decision, reference -> reference == target);
      policy = new TargetPolicy(target.table(), alias, decision.policyFor(target.relation()));
      refuseHiddenColumnsWritten();
      substituteMasks();
      verify(bases);
      List<RowFilterCheck> checks = new ArrayList<>();
      String sql = switch (kind()) {
        case INSERT -> insert(checks);
        case UPDATE -> update(checks);
        case DELETE -> delete();
        case SELECT, MERGE, COPY_OUT, COPY_IN, DDL, CALL, UTILITY ->
            throw new IllegalStateException("not a write: " + kind());
      };
      return new RewrittenStatement(sql, checks);
    }

    private void refuseHiddenColumnsWritten() throws SqlRefusal {
      // an upsert also writes its SET targets, and EXCLUDED.col is the proposed row's value
      // of col: the client may use it only if the column is one it may insert
      List<String> hidden = policy.hiddenAmong(Stream.of(
              writtenColumns, upsert.setColumns(), upsert.excludedColumns())
          .flatMap(List::stream)
          .toList());
      if (!hidden.isEmpty()) {
        throw new SqlRefusal(
            Reason.PERMISSION_DENIED,
            "permission denied to write " + (hidden.size() == 1 ? "column " : "columns ")
                + String.join(", ", hidden) + " of relation " + policy.display()
                + ": the policy masks or denies " + (hidden.size() == 1 ? "it" : "them"));
      }
    }

    /** The client's expressions see the mask wherever they name a masked target column. */
    private void substituteMasks() throws SqlRefusal {
      Set<SqlNode> returningStars = Collections.newSetFromMap(new IdentityHashMap<>());
      for (SqlNode item : returningItems()) {
        if (item instanceof SqlIdentifier identifier && identifier.isStar()) {
          returningStars.add(identifier);
        }
      }
      Map<SqlNode, SqlNode> replacements = new IdentityHashMap<>();
      for (ColumnReference reference : analysis.columnReferences()) {
        if (reference.table() != target) {
          continue;
        }
        SqlIdentifier identifier = reference.identifier();
        if (reference.column().isEmpty()) {
          if (!returningStars.contains(identifier) && policy.hidesColumns()) {
            throw new SqlRefusal(
                Reason.NOT_GOVERNED,
                "not supported by Meshgate yet: a whole-row reference to " + policy.display()
                    + ", whose policy masks or denies columns, in a " + kind().name()
                    + " (name the columns); the statement was not forwarded");
          }
          continue;
        }
        String column = reference.column().get();
        Optional<SqlNode> mask = policy.mask(column);
        if (mask.isEmpty()) {
          continue;
        }
        List<String> names = identifier.names;
        boolean plain = names.size() == 1 && names.get(0).equals(column);
        boolean qualified = names.size() == 2 && names.get(0).equals(alias)
            && names.get(1).equals(column);
        if (!plain && !qualified) {
          throw new SqlRefusal(
              Reason.NOT_GOVERNED,
              "not supported by Meshgate yet: the reference " + String.join(".", names)
                  + " to masked column " + column + " of " + policy.display() + " in a "
                  + kind().name() + "; the statement was not forwarded");
        }
        replacements.put(identifier, mask.get());
      }
      keepOutputNames(replacements.keySet());
      NodeReplacer.replace(select, replacements, policy.display());
    }

    /**
     * An output column that names a masked column keeps the name PostgreSQL gives it without
     * Meshgate once the mask stands in for it: {@code RETURNING t.masked} and {@code t.masked::text}
     * are named {@code masked}, not after the mask's function, and so is {@code RETURNING (SELECT
     * t.masked)}, which PostgreSQL names after the subquery's first column; so every select list
     * of a subquery keeps the names too.
     */
    private void keepOutputNames(Set<SqlNode> masked) {
      SqlNodeList items = select.getSelectList();
      int first = items.size() - returningItems().size();
      for (int i = first; i < items.size(); i++) {
        keepName(items, i, masked);
      }
      for (SqlNode operand : select.getOperandList()) {
        keepNamesInSubqueries(operand, masked);
      }
    }

    private void keepNamesInSubqueries(SqlNode node, Set<SqlNode> masked) {
      if (node instanceof SqlSelect subquery) {
        SqlNodeList items = subquery.getSelectList();
        for (int i = 0; i < items.size(); i++) {
          keepName(items, i, masked);
        }
      }
      if (node instanceof SqlNodeList list) {
        for (SqlNode element : list) {
          keepNamesInSubqueries(element, masked);
        }
      } else if (node instanceof SqlCall call) {
        for (SqlNode operand : call.getOperandList()) {
          keepNamesInSubqueries(operand, masked);
        }
      }
    }

    private static void keepName(SqlNodeList items, int index, Set<SqlNode> masked) {
      SqlNode item = items.get(index);
      maskedColumnName(item, masked).ifPresent(name -> items.set(index, SqlNodes.as(item, name)));
    }

    /** The masked column an output item is named after: the column itself, or one cast (PostgreSQL names a cast after what it casts). */
    private static Optional<String> maskedColumnName(SqlNode item, Set<SqlNode> masked) {
      if (item instanceof SqlIdentifier identifier && masked.contains(identifier)) {
        return Optional.of(identifier.names.get(identifier.names.size() - 1));
      }
      if (item != null && item.getKind() == SqlKind.CAST && item instanceof SqlCall cast) {
        return maskedColumnName(cast.operand(0), masked);
      }
      return Optional.empty();
    }

    /** Fails closed if a read table is reachable other than through its derived table. */
    private void verify(Set<SqlIdentifier> bases) throws SqlRefusal {
      for (TableReference reference : TableReferenceFinder.find(select, resolver).references()) {
        if (reference.name() != target.name() && !bases.contains(reference.name())) {
          throw new SqlRefusal(
              Reason.NOT_GOVERNED,
              "Meshgate could not apply the policy to every reference of "
                  + reference.relation().schema() + "." + reference.relation().table()
                  + "; the statement was not forwarded");
        }
      }
    }

    // ---- INSERT

    private String insert(List<RowFilterCheck> checks) throws SqlRefusal {
      StringBuilder sql = new StringBuilder("INSERT INTO ").append(targetSql());
      List<String> insertedColumns = writtenColumns;
      SqlNode source = clauses.insertSource() == InsertSource.DEFAULT_VALUES ? null : insertSource(select);
      if (source != null && policy.hasFilters()) {
        // the check reads the VALUES as a derived table, where DEFAULT has no meaning and a
        // parameter no column to take its type from
        DefaultsLeftOut leftOut = leaveOutDefaults(source);
        insertedColumns = leftOut.columns();
        source = InsertedParameters.typed(leftOut.values(), insertedColumns,
            column -> target.table().column(column).map(ColumnSchema::type));
      }
      List<String> quotedColumns = insertedColumns.stream().map(PgIdentifiers::quote).toList();
      if (!insertedColumns.isEmpty()) {
        sql.append(" (").append(String.join(", ", quotedColumns)).append(')');
      }
      if (clauses.insertSource() == InsertSource.DEFAULT_VALUES) {
        if (policy.hasFilters()) {
          throw filterColumnsOmitted(policy.filterColumns());
        }
        sql.append(" DEFAULT VALUES");
      } else if (!policy.hasFilters()) {
        sql.append(' ').append(sql(source));
      } else {
        List<String> checked = insertedColumns;
        List<String> omitted = policy.filterColumns().stream()
            .filter(column -> !checked.contains(column))
            .toList();
        if (!omitted.isEmpty()) {
          throw filterColumnsOmitted(omitted);
        }
        RowFilterCheck check = RowFilterCheck.fresh(target.relation());
        checks.add(check);
        sql.append(" SELECT * FROM (SELECT ")
            .append(typedColumns(checked, column -> SqlNodes.identifier(SOURCE, column)))
            .append(" FROM (").append(sql(source)).append(") AS ")
            .append(PgIdentifiers.quote(SOURCE))
            .append(" (").append(String.join(", ", quotedColumns)).append(") OFFSET 0) AS ")
            .append(PgIdentifiers.quote(NEW_ROW))
            .append(" WHERE ").append(checkSql(check, Set.copyOf(checked)));
      }
      if (clauses.conflict().isPresent()) {
        Conflict conflict = clauses.conflict().get();
        sql.append(" ON CONFLICT");
        if (!conflict.columns().isEmpty()) {
          sql.append(" (").append(conflict.columns().stream().map(PgIdentifiers::quote)
              .collect(Collectors.joining(", "))).append(')');
        }
        conflict.constraint().ifPresent(name ->
            sql.append(" ON CONSTRAINT ").append(PgIdentifiers.quote(name)));
        if (conflict.doUpdate()) {
          refuseHiddenConflictTarget(conflict);
          sql.append(" DO UPDATE SET ").append(assignments(checks));
          appendConflictWhere(sql, checks);
        } else {
          sql.append(" DO NOTHING");
        }
      }
      appendReturning(sql);
      return sql.toString();
    }

    /** The columns an INSERT names and its VALUES, once the columns every row gives DEFAULT are left out. */
    private record DefaultsLeftOut(List<String> columns, SqlNode values) {}

    /**
     * A column every row of the VALUES gives DEFAULT is left out of the INSERT, which stores
     * its default all the same, and no value of it reaches the check (a column the filters
     * read must then be given a value, as when the client leaves it out). DEFAULT in some rows
     * only cannot be written that way: refused, naming the ways that work.
     */
    private DefaultsLeftOut leaveOutDefaults(SqlNode source) throws SqlRefusal {
      if (source.getKind() != SqlKind.VALUES) {
        return new DefaultsLeftOut(writtenColumns, source);
      }
      List<SqlCall> rows = new ArrayList<>();
      for (SqlNode row : ((SqlCall) source).getOperandList()) {
        if (!(row instanceof SqlCall call) || call.getKind() != SqlKind.ROW
            || call.operandCount() != writtenColumns.size()) {
          return new DefaultsLeftOut(writtenColumns, source);
        }
        rows.add(call);
      }
      List<Integer> kept = new ArrayList<>();
      List<String> partlyDefault = new ArrayList<>();
      for (int i = 0; i < writtenColumns.size(); i++) {
        int position = i;
        long defaults = rows.stream().filter(row -> row.operand(position).getKind() == SqlKind.DEFAULT).count();
        if (defaults == 0) {
          kept.add(i);
        } else if (defaults < rows.size()) {
          partlyDefault.add(writtenColumns.get(i));
        }
      }
      if (!partlyDefault.isEmpty()) {
        throw new SqlRefusal(
            Reason.NOT_GOVERNED,
            "not supported by Meshgate yet: DEFAULT in some rows only of "
                + (partlyDefault.size() == 1 ? "column " : "columns ") + String.join(", ", partlyDefault)
                + " in an INSERT into " + policy.display() + ", whose row filters Meshgate checks"
                + " the new rows against (give a value in every row, or leave the column out of the"
                + " column list, or insert those rows in a statement of their own); the statement"
                + " was not forwarded");
      }
      if (kept.size() == writtenColumns.size()) {
        return new DefaultsLeftOut(writtenColumns, source);
      }
      if (kept.isEmpty()) {
        // every column DEFAULT: the row is DEFAULT VALUES, which the filters cannot check
        throw filterColumnsOmitted(policy.filterColumns());
      }
      List<SqlNode> keptRows = new ArrayList<>();
      for (SqlCall row : rows) {
        keptRows.add(SqlStdOperatorTable.ROW.createCall(row.getParserPosition(),
            kept.stream().map(position -> row.<SqlNode>operand(position)).toList()));
      }
      return new DefaultsLeftOut(
          kept.stream().map(writtenColumns::get).toList(),
          SqlStdOperatorTable.VALUES.createCall(source.getParserPosition(), keptRows));
    }

    /**
     * Whether a conflict arises on a column is something the client learns from the upsert's
     * outcome, so the conflict target may not name a column the policy masks or denies; the
     * columns of a constraint are not known here, so ON CONSTRAINT needs a policy that hides
     * no column of the table.
     */
    private void refuseHiddenConflictTarget(Conflict conflict) throws SqlRefusal {
      if (conflict.constraint().isPresent() && policy.hidesColumns()) {
        throw new SqlRefusal(
            Reason.NOT_GOVERNED,
            "not supported by Meshgate yet: ON CONFLICT ON CONSTRAINT ... DO UPDATE on "
                + policy.display() + ", whose policy masks or denies columns (name the conflict"
                + " columns instead); the statement was not forwarded");
      }
      List<String> hidden = policy.hiddenAmong(conflict.columns());
      if (!hidden.isEmpty()) {
        throw new SqlRefusal(
            Reason.PERMISSION_DENIED,
            "permission denied to use " + (hidden.size() == 1 ? "column " : "columns ")
                + String.join(", ", hidden) + " of relation " + policy.display()
                + " as the conflict target of ON CONFLICT DO UPDATE: the policy masks or denies "
                + (hidden.size() == 1 ? "it" : "them"));
      }
    }

    private SqlRefusal filterColumnsOmitted(java.util.Collection<String> columns) {
      return new SqlRefusal(
          Reason.PERMISSION_DENIED,
          "permission denied: an INSERT into " + policy.display() + " must give "
              + (columns.size() == 1 ? "column " : "columns ") + String.join(", ", columns)
              + " a value, because the row filters read "
              + (columns.size() == 1 ? "it" : "them") + " to check the new row");
    }

    // ---- UPDATE

    private String update(List<RowFilterCheck> checks) throws SqlRefusal {
      StringBuilder sql = new StringBuilder("UPDATE ");
      if (clauses.only()) {
        sql.append("ONLY ");
      }
      sql.append(targetSql()).append(" SET ").append(assignments(checks));
      if (clauses.hasOtherFromItems()) {
        sql.append(" FROM ").append(sql(withoutTarget(select.getFrom())));
      }
      appendRestrictedWhere(sql);
      appendReturning(sql);
      return sql.toString();
    }

    /**
     * The SET list of an UPDATE or ON CONFLICT DO UPDATE: columns the filters read are
     * assigned together from a derived table that checks the changed row against them.
     */
    private String assignments(List<RowFilterCheck> checks) throws SqlRefusal {
      refuseGeneratedFilterColumns();
      Set<String> filterColumns = policy.filterColumns();
      List<String> assignments = new ArrayList<>();
      List<String> checkedColumns = new ArrayList<>();
      List<SqlNode> checkedValues = new ArrayList<>();
      int value = 0;
      for (Assignment assignment : clauses.assignments()) {
        String column = PgIdentifiers.quote(assignment.column());
        boolean filtered = filterColumns.contains(assignment.column());
        if (assignment.isDefault()) {
          if (filtered) {
            throw new SqlRefusal(
                Reason.NOT_GOVERNED,
                "not supported by Meshgate yet: SET " + assignment.column() + " = DEFAULT,"
                    + " a column the row filters of " + policy.display()
                    + " read (give a value); the statement was not forwarded");
          }
          assignments.add(column + " = DEFAULT");
          continue;
        }
        SqlNode assigned = select.getSelectList().get(value++);
        if (filtered) {
          checkedColumns.add(assignment.column());
          checkedValues.add(assigned);
        } else {
          assignments.add(column + " = " + expressionSql(assigned));
        }
      }
      if (!checkedColumns.isEmpty()) {
        RowFilterCheck check = RowFilterCheck.fresh(target.relation());
        checks.add(check);
        List<String> quoted = checkedColumns.stream().map(PgIdentifiers::quote).toList();
        List<String> newValues = new ArrayList<>();
        List<String> computed = new ArrayList<>();
        for (int i = 0; i < checkedColumns.size(); i++) {
          newValues.add(PgIdentifiers.quote(NEW_ROW) + "." + quoted.get(i));
          computed.add(typed(checkedColumns.get(i), checkedValues.get(i)) + " AS " + quoted.get(i));
        }
        assignments.add("(" + String.join(", ", quoted) + ") = (SELECT "
            + String.join(", ", newValues) + " FROM (SELECT " + String.join(", ", computed)
            + " OFFSET 0) AS " + PgIdentifiers.quote(NEW_ROW) + " WHERE "
            + checkSql(check, Set.copyOf(checkedColumns)) + ")");
      }
      return String.join(", ", assignments);
    }

    /**
     * A filter column PostgreSQL generates changes with the columns it is computed from, which
     * the changed-row check cannot follow (it sees the assigned columns only): refused, so no
     * UPDATE moves a row out of the filters unchecked.
     */
    private void refuseGeneratedFilterColumns() throws SqlRefusal {
      List<String> generated = policy.generatedFilterColumns();
      if (!generated.isEmpty()) {
        throw new SqlRefusal(
            Reason.NOT_GOVERNED,
            "not supported by Meshgate yet: an UPDATE of " + policy.display() + ", whose row"
                + " filters read the generated " + (generated.size() == 1 ? "column " : "columns ")
                + String.join(", ", generated) + ": Meshgate cannot check the changed row against"
                + " them (ask the domain to filter on the columns they are computed from); the"
                + " statement was not forwarded");
      }
    }

    // ---- DELETE

    private String delete() throws SqlRefusal {
      StringBuilder sql = new StringBuilder("DELETE FROM ");
      if (clauses.only()) {
        sql.append("ONLY ");
      }
      sql.append(targetSql());
      if (clauses.hasOtherFromItems()) {
        sql.append(" USING ").append(sql(withoutTarget(select.getFrom())));
      }
      appendRestrictedWhere(sql);
      appendReturning(sql);
      return sql.toString();
    }

    // ---- shared parts

    private String targetSql() {
      RelationName relation = target.relation();
      return PgIdentifiers.quote(relation.schema()) + "." + PgIdentifiers.quote(relation.table())
          + " AS " + PgIdentifiers.quote(alias);
    }

    /**
     * The rows an UPDATE or DELETE may touch: those that pass the filters; the client's
     * condition is evaluated only on them.
     */
    private void appendRestrictedWhere(StringBuilder sql) throws SqlRefusal {
      String condition = clauses.hasCondition() ? sql(select.getWhere()) : null;
      if (!policy.hasFilters()) {
        if (condition != null) {
          sql.append(" WHERE ").append(condition);
        }
        return;
      }
      String filters = sql(policy.filtersOverTarget());
      sql.append(" WHERE (").append(filters).append(')');
      if (condition != null) {
        // Copies of the condition's leakproof comparisons stand beside the filters, where an
        // index can serve them; the CASE still keeps the rest of it from other rows.
        for (SqlNode copy : PredicatePushdown.leakproofConjuncts(select.getWhere(), alias,
            policy.comparableColumns())) {
          sql.append(" AND ").append(sql(copy));
        }
        sql.append(" AND CASE WHEN (").append(filters).append(") THEN (").append(condition)
            .append(") ELSE FALSE END");
      }
    }

    /**
     * The DO UPDATE's WHERE: the client's condition on a conflicting row inside the filters,
     * and an error on one outside them. PostgreSQL locks the conflicting row before it
     * evaluates this WHERE, and keeps it locked to the end of the transaction if the WHERE is
     * only false; the error ends the statement and with it the lock, as PostgreSQL's own
     * row-level security does. One CASE, so the order of evaluation is fixed.
     */
    private void appendConflictWhere(StringBuilder sql, List<RowFilterCheck> checks)
        throws SqlRefusal {
      String condition = clauses.hasCondition() ? sql(select.getWhere()) : null;
      if (!policy.hasFilters()) {
        if (condition != null) {
          sql.append(" WHERE ").append(condition);
        }
        return;
      }
      RowFilterCheck check = RowFilterCheck.fresh(target.relation(), CheckedRow.CONFLICTING);
      checks.add(check);
      sql.append(" WHERE CASE WHEN (").append(sql(policy.filtersOverTarget()))
          .append(") IS TRUE THEN ").append(condition == null ? "TRUE" : "(" + condition + ")")
          .append(" ELSE ").append(checkSql(check, Set.of())).append(" END");
    }

    /** True, or raises the check's marker when the new row falls outside the filters. */
    private String checkSql(RowFilterCheck check, Set<String> newColumns) throws SqlRefusal {
      SqlNode filters = policy.filtersOver(column -> newColumns.contains(column)
          ? List.of(NEW_ROW, column)
          : List.of(alias, column));
      return "CAST(CASE WHEN (" + sql(filters) + ") IS TRUE THEN NULL ELSE '" + check.marker()
          + "' END AS integer) IS NULL";
    }

    private String typedColumns(
        List<String> columns, java.util.function.Function<String, SqlNode> value)
        throws SqlRefusal {
      List<String> typed = new ArrayList<>();
      for (String column : columns) {
        typed.add(typed(column, value.apply(column)) + " AS " + PgIdentifiers.quote(column));
      }
      return String.join(", ", typed);
    }

    /**
     * A value cast to its column's type ({@link ColumnTypes#forNewRow}), so the new row is
     * checked with the values the assignment stores, and the assignment still enforces the
     * lengths of character and bit strings; with the column's collation when it has its own,
     * so the filters compare the new value as they compare the stored one ({@code name < 'n'}
     * orders {@code 'Zed'} before {@code 'n'} under "C", after it under an ICU collation).
     */
    private String typed(String column, SqlNode value) throws SqlRefusal {
      ColumnSchema schema = target.table().column(column)
          .orElseThrow(() -> new SqlRefusal(
              Reason.UNDEFINED_TABLE, "column " + column + " of relation " + policy.display()
                  + " does not exist"));
      String type = schema.type();
      try {
        return sql(SqlNodes.cast(value, ColumnTypes.forNewRow(type)))
            + schema.collation().map(collation -> " COLLATE " + collation.sql()).orElse("");
      } catch (IllegalArgumentException e) {
        throw new SqlRefusal(
            Reason.NOT_GOVERNED,
            "not supported by Meshgate yet: checking a new row of " + policy.display()
                + " with column " + column + " of type " + type
                + "; the statement was not forwarded");
      }
    }

    private List<SqlNode> returningItems() {
      if (!clauses.hasReturning()) {
        return List.of();
      }
      SqlNodeList items = select.getSelectList();
      int values = (int) clauses.assignments().stream().filter(a -> !a.isDefault()).count();
      return items.getList().subList(values, items.size());
    }

    private void appendReturning(StringBuilder sql) throws SqlRefusal {
      if (!clauses.hasReturning()) {
        return;
      }
      List<String> items = new ArrayList<>();
      for (SqlNode item : returningItems()) {
        if (item instanceof SqlIdentifier star && star.isStar() && policy.hidesColumns()
            && (star.names.size() == 1
                || (star.names.size() == 2 && star.names.get(0).equals(alias)))) {
          if (star.names.size() == 1 && clauses.hasOtherFromItems()) {
            throw new SqlRefusal(
                Reason.NOT_GOVERNED,
                "not supported by Meshgate yet: RETURNING * with FROM or USING when the policy"
                    + " of " + policy.display() + " masks or denies columns (list the"
                    + " columns); the statement was not forwarded");
          }
          items.add(allowedColumns());
        } else {
          items.add(expressionSql(item));
        }
      }
      sql.append(" RETURNING ").append(String.join(", ", items));
    }

    /** {@code RETURNING *} as the allowed columns of the target, masked, under their names. */
    private String allowedColumns() throws SqlRefusal {
      List<String> columns = new ArrayList<>();
      for (String column : target.table().columnNames()) {
        if (policy.policy().deniedColumns().contains(column)) {
          continue;
        }
        Optional<SqlNode> mask = policy.mask(column);
        columns.add(mask.isPresent()
            ? sql(mask.get()) + " AS " + PgIdentifiers.quote(column)
            : PgIdentifiers.quote(alias) + "." + PgIdentifiers.quote(column));
      }
      return String.join(", ", columns);
    }

    /**
     * A SET value or RETURNING item: a scalar subquery keeps its parentheses, which the
     * unparser leaves out of a query written on its own.
     */
    private String expressionSql(SqlNode node) {
      return node.getKind().belongsTo(SqlKind.QUERY) ? "(" + sql(node) + ")" : sql(node);
    }

    private String sql(SqlNode node) {
      return PostgresUnparser.unparse(node, normalized.parameterNumbers());
    }
  }

  /**
   * The FROM items after the target: the analysis query's FROM clause is a left-deep chain
   * of joins whose leftmost item is the target, which is taken out of it.
   */
  private static SqlNode withoutTarget(SqlNode from) {
    SqlJoin join = (SqlJoin) from;
    if (!(join.getLeft() instanceof SqlJoin)) {
      return join.getRight();
    }
    join.setLeft(withoutTarget(join.getLeft()));
    return join;
  }
}
