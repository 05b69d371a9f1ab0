package io.meshgate.rewriter.ddl;

import io.meshgate.policy.DdlAction;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.StatementKind;
import io.meshgate.rewriter.AnalyzedStatement;
import io.meshgate.rewriter.SchemaCatalog;
import io.meshgate.rewriter.SqlRefusal;
import io.meshgate.rewriter.TableSchema;
import io.meshgate.rewriter.analysis.FunctionAllowlist;
import io.meshgate.rewriter.lexer.PgIdentifiers;
import io.meshgate.rewriter.lexer.StatementText;
import io.meshgate.rewriter.lexer.Token;
import io.meshgate.rewriter.lexer.TokenType;
import io.meshgate.rewriter.parse.TokenCursor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a statement that starts like DDL from its tokens and either analyses it as one of the
 * forms Meshgate forwards ({@link DdlAction}) or refuses it with the reason. Each allowed form
 * is read completely, clause by clause; a clause that is not read here refuses the statement,
 * so an unknown shape is never forwarded. What is forwarded is rebuilt from what was read.
 */
public final class DdlStatements {
  /** First words of PostgreSQL statements that define or change objects or privileges. */
  private static final Set<String> DDL_WORDS = Set.of(
      "create", "alter", "drop", "truncate", "comment", "grant", "revoke", "security", "reassign",
      "refresh", "reindex", "cluster", "import");

  private final TokenCursor cursor;
  private final DdlTargets targets;
  private final ColumnDefinitions definitions;

  private DdlStatements(TokenCursor cursor, DdlTargets targets, FunctionAllowlist functions) {
    this.cursor = cursor;
    this.targets = targets;
    this.definitions = new ColumnDefinitions(cursor, functions);
  }

  /** Whether the statement starts like DDL (and so is this class's to forward or refuse). */
  public static boolean startsLikeDdl(List<Token> significant) {
    return !significant.isEmpty() && significant.get(0).type() == TokenType.WORD
        && DDL_WORDS.contains(significant.get(0).foldedWord());
  }

  /**
   * @param searchPath the session's search path, as for queries
   * @throws SqlRefusal for every form that is not on the allowlist, and for targets that do not
   *     resolve; with the statement's action when its words state it ({@link DdlActionWords})
   */
  public static AnalyzedStatement analyze(
      StatementText statement, SchemaCatalog catalog, String catalogName, List<String> searchPath,
      FunctionAllowlist functions) throws SqlRefusal {
    try {
      return read(statement, catalog, catalogName, searchPath, functions);
    } catch (SqlRefusal refusal) {
      // Refused before a policy was asked: the audit event still names what the statement does
      // when its words make that certain.
      throw DdlActionWords.of(statement.significantTokens()).map(refusal::withDdlAction).orElse(refusal);
    }
  }

  private static AnalyzedStatement read(
      StatementText statement, SchemaCatalog catalog, String catalogName, List<String> searchPath,
      FunctionAllowlist functions) throws SqlRefusal {
    TokenCursor cursor = new TokenCursor(statement, "DDL", StatementKind.DDL);
    for (Token token : statement.significantTokens()) {
      if (token.type() == TokenType.PARAMETER) {
        throw cursor.notSupported("a parameter ($n) in a DDL statement");
      }
    }
    DdlStatements parser = new DdlStatements(cursor, new DdlTargets(catalog, catalogName, searchPath), functions);
    return parser.statement();
  }

  private AnalyzedStatement statement() throws SqlRefusal {
    String verb = word();
    cursor.advance();
    return switch (verb) {
      case "create" -> create();
      case "alter" -> alter();
      case "drop" -> drop();
      case "truncate" -> truncate();
      case "comment" -> comment();
      default -> throw RefusedDdl.statement(verb);
    };
  }

  // ---- CREATE

  private AnalyzedStatement create() throws SqlRefusal {
    boolean orReplace = cursor.isWord("or");
    if (orReplace) {
      cursor.advance();
      cursor.expectWord("replace");
    }
    String object = word();
    if (orReplace && Set.of("table", "unique", "index").contains(object)) {
      throw cursor.syntaxError("CREATE OR REPLACE " + object.toUpperCase(Locale.ROOT) + " does not exist");
    }
    switch (object) {
      case "table" -> {
        cursor.advance();
        return createTable();
      }
      case "unique", "index" -> {
        return createIndex();
      }
      case "temp", "temporary", "unlogged", "global", "local" -> throw RefusedDdl.notGoverned(
          "CREATE " + object.toUpperCase(Locale.ROOT) + " TABLE (temporary and unlogged tables)");
      default -> throw RefusedDdl.object("create", object);
    }
  }

  /** {@code CREATE TABLE [IF NOT EXISTS] name ( column definitions and constraints )}. */
  private AnalyzedStatement createTable() throws SqlRefusal {
    boolean ifNotExists = ifNotExists();
    List<String> name = qualifiedName();
    if (storesAQuery()) {
      throw RefusedDdl.notGoverned("CREATE TABLE ... AS (it stores the result of a query Meshgate would have to"
          + " govern as a read; create the table, then INSERT ... SELECT)");
    }
    if (cursor.isWord("of") || cursor.isWord("partition")) {
      throw RefusedDdl.notGoverned("CREATE TABLE ... " + word().toUpperCase(Locale.ROOT));
    }
    if (!cursor.is(TokenType.OPEN_PAREN)) {
      throw cursor.syntaxError("expected ( and the column definitions");
    }
    cursor.advance();
    List<String> columns = new ArrayList<>();
    List<String> elements = new ArrayList<>();
    if (!cursor.is(TokenType.CLOSE_PAREN)) {
      elements.add(definitions.element(columns));
      while (cursor.is(TokenType.COMMA)) {
        cursor.advance();
        elements.add(definitions.element(columns));
      }
    }
    if (!cursor.is(TokenType.CLOSE_PAREN)) {
      throw cursor.syntaxError("expected , or ) after a column definition");
    }
    cursor.advance();
    if (!cursor.atEnd()) {
      throw RefusedDdl.notGoverned("CREATE TABLE ... " + cursor.current().text().toUpperCase(Locale.ROOT)
          + " (table options after the column list: INHERITS, PARTITION BY, WITH, TABLESPACE, ...)");
    }
    RelationName relation = targets.created(name);
    return new DdlStatement(DdlAction.CREATE_TABLE,
        List.of(DdlTargets.target(relation, targets.currentColumns(relation), columns)),
        "CREATE TABLE " + (ifNotExists ? "IF NOT EXISTS " : "") + DdlTargets.qualified(relation)
            + " (" + String.join(", ", elements) + ")");
  }

  /**
   * {@code CREATE [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY] table [USING
   * method] (column [ASC | DESC] [NULLS {FIRST | LAST}] [, ...])}: columns only, no expression,
   * predicate, operator class or storage option.
   */
  private AnalyzedStatement createIndex() throws SqlRefusal {
    StringBuilder sql = new StringBuilder("CREATE ");
    if (cursor.isWord("unique")) {
      cursor.advance();
      sql.append("UNIQUE ");
    }
    cursor.expectWord("index");
    sql.append("INDEX ");
    if (cursor.isWord("concurrently")) {
      cursor.advance();
      sql.append("CONCURRENTLY ");
    }
    if (!cursor.isWord("on")) {
      boolean ifNotExists = ifNotExists();
      sql.append(ifNotExists ? "IF NOT EXISTS " : "").append(PgIdentifiers.quote(cursor.name())).append(' ');
    }
    cursor.expectWord("on");
    sql.append("ON ");
    if (cursor.isWord("only")) {
      cursor.advance();
      sql.append("ONLY ");
    }
    TableSchema table = targets.existing(qualifiedName());
    sql.append(DdlTargets.qualified(table.name()));
    if (cursor.isWord("using")) {
      cursor.advance();
      String method = cursor.name();
      if (!Set.of("btree", "hash", "brin").contains(method)) {
        throw RefusedDdl.notGoverned("index method " + method + " (btree, hash and brin are)");
      }
      sql.append(" USING ").append(method);
    }
    if (!cursor.is(TokenType.OPEN_PAREN)) {
      throw cursor.syntaxError("expected ( and the indexed columns");
    }
    cursor.advance();
    List<String> columns = new ArrayList<>();
    List<String> elements = new ArrayList<>();
    elements.add(indexColumn(columns));
    while (cursor.is(TokenType.COMMA)) {
      cursor.advance();
      elements.add(indexColumn(columns));
    }
    if (!cursor.is(TokenType.CLOSE_PAREN)) {
      throw cursor.syntaxError("expected , or ) after an indexed column (expressions and operator classes are"
          + " not governed)");
    }
    cursor.advance();
    if (!cursor.atEnd()) {
      throw RefusedDdl.notGoverned("CREATE INDEX ... " + cursor.current().text().toUpperCase(Locale.ROOT)
          + " (INCLUDE, WHERE, WITH, TABLESPACE and other clauses after the column list)");
    }
    sql.append(" (").append(String.join(", ", elements)).append(')');
    return new DdlStatement(DdlAction.CREATE_INDEX,
        List.of(DdlTargets.target(table.name(), table.columnNames(), columns)), sql.toString());
  }

  private String indexColumn(List<String> columns) throws SqlRefusal {
    if (cursor.is(TokenType.OPEN_PAREN)) {
      throw RefusedDdl.notGoverned("an index on an expression");
    }
    String column = cursor.name();
    columns.add(column);
    StringBuilder element = new StringBuilder(PgIdentifiers.quote(column));
    if (cursor.isWord("asc") || cursor.isWord("desc")) {
      element.append(' ').append(word().toUpperCase(Locale.ROOT));
      cursor.advance();
    }
    if (cursor.isWord("nulls")) {
      cursor.advance();
      if (!cursor.isWord("first") && !cursor.isWord("last")) {
        throw cursor.syntaxError("expected FIRST or LAST");
      }
      element.append(" NULLS ").append(word().toUpperCase(Locale.ROOT));
      cursor.advance();
    }
    if (!cursor.atEnd() && !cursor.is(TokenType.COMMA) && !cursor.is(TokenType.CLOSE_PAREN)) {
      throw RefusedDdl.notGoverned("an operator class, collation or option of an indexed column");
    }
    return element.toString();
  }

  // ---- ALTER TABLE

  private AnalyzedStatement alter() throws SqlRefusal {
    String object = word();
    if (!object.equals("table")) {
      throw RefusedDdl.object("alter", object);
    }
    cursor.advance();
    StringBuilder head = new StringBuilder("ALTER TABLE ");
    if (cursor.isWord("if")) {
      cursor.advance();
      cursor.expectWord("exists");
      head.append("IF EXISTS ");
    }
    if (cursor.isWord("only")) {
      cursor.advance();
      head.append("ONLY ");
    }
    TableSchema table = targets.existing(qualifiedName());
    head.append(DdlTargets.qualified(table.name())).append(' ');
    String action = word();
    cursor.advance();
    AnalyzedStatement analyzed = switch (action) {
      case "add" -> addColumn(table, head);
      case "drop" -> dropColumn(table, head);
      case "rename" -> rename(table, head);
      case "owner" -> throw RefusedDdl.denied("ALTER TABLE ... OWNER changes who may grant and bypass privileges on"
          + " the table");
      case "enable", "disable", "force", "no" -> throw RefusedDdl.denied("ALTER TABLE ... "
          + action.toUpperCase(Locale.ROOT) + " changes triggers, rules or row-level security, part of the"
          + " enforcement");
      case "set" -> throw cursor.isWord("schema")
          ? RefusedDdl.denied("ALTER TABLE ... SET SCHEMA moves the table to another schema, another domain")
          : RefusedDdl.notGoverned("ALTER TABLE ... SET");
      default -> throw RefusedDdl.notGoverned("ALTER TABLE ... " + action.toUpperCase(Locale.ROOT));
    };
    if (cursor.is(TokenType.COMMA)) {
      throw RefusedDdl.notGoverned("ALTER TABLE with several actions (send one action per statement)");
    }
    if (!cursor.atEnd()) {
      throw cursor.syntaxError("unexpected " + cursor.current().text() + " after the ALTER TABLE action");
    }
    return analyzed;
  }

  /** {@code ADD [COLUMN] [IF NOT EXISTS] definition}. */
  private AnalyzedStatement addColumn(TableSchema table, StringBuilder head) throws SqlRefusal {
    if (DdlActionWords.CONSTRAINT_WORDS.contains(word())) {
      throw RefusedDdl.notGoverned("ALTER TABLE ... ADD " + word().toUpperCase(Locale.ROOT)
          + " (a constraint checked against existing rows can echo their values in its error)");
    }
    if (cursor.isWord("column")) {
      cursor.advance();
    }
    boolean ifNotExists = ifNotExists();
    List<String> columns = new ArrayList<>();
    String definition = definitions.column(columns);
    return new DdlStatement(DdlAction.ADD_COLUMN,
        List.of(DdlTargets.target(table.name(), table.columnNames(), columns)),
        head + "ADD COLUMN " + (ifNotExists ? "IF NOT EXISTS " : "") + definition);
  }

  /** {@code DROP [COLUMN] [IF EXISTS] column [RESTRICT]}. */
  private AnalyzedStatement dropColumn(TableSchema table, StringBuilder head) throws SqlRefusal {
    if (cursor.isWord("constraint")) {
      throw RefusedDdl.notGoverned("ALTER TABLE ... DROP CONSTRAINT");
    }
    if (cursor.isWord("column")) {
      cursor.advance();
    }
    boolean ifExists = false;
    if (cursor.isWord("if")) {
      cursor.advance();
      cursor.expectWord("exists");
      ifExists = true;
    }
    String column = cursor.name();
    restrictOnly("ALTER TABLE ... DROP COLUMN");
    return new DdlStatement(DdlAction.DROP_COLUMN,
        List.of(DdlTargets.target(table.name(), table.columnNames(), List.of(column))),
        head + "DROP COLUMN " + (ifExists ? "IF EXISTS " : "") + PgIdentifiers.quote(column));
  }

  /** {@code RENAME [COLUMN] column TO new} or {@code RENAME TO new}. */
  private AnalyzedStatement rename(TableSchema table, StringBuilder head) throws SqlRefusal {
    if (cursor.isWord("to")) {
      cursor.advance();
      String newName = cursor.name();
      RelationName renamed = targets.sibling(table.name().schema(), newName);
      return new DdlStatement(DdlAction.RENAME_TABLE,
          List.of(DdlTargets.target(table.name(), table.columnNames(), List.of()),
              DdlTargets.target(renamed, targets.currentColumns(renamed), List.of())),
          head + "RENAME TO " + PgIdentifiers.quote(newName));
    }
    if (cursor.isWord("constraint")) {
      throw RefusedDdl.notGoverned("ALTER TABLE ... RENAME CONSTRAINT");
    }
    if (cursor.isWord("column")) {
      cursor.advance();
    }
    String column = cursor.name();
    cursor.expectWord("to");
    String newName = cursor.name();
    return new DdlStatement(DdlAction.RENAME_COLUMN,
        List.of(DdlTargets.target(table.name(), table.columnNames(), List.of(column, newName))),
        head + "RENAME COLUMN " + PgIdentifiers.quote(column) + " TO " + PgIdentifiers.quote(newName));
  }

  // ---- DROP, TRUNCATE

  private AnalyzedStatement drop() throws SqlRefusal {
    String object = word();
    return switch (object) {
      case "table" -> {
        cursor.advance();
        yield dropTables();
      }
      case "index" -> {
        cursor.advance();
        yield dropIndexes();
      }
      default -> throw RefusedDdl.object("drop", object);
    };
  }

  /**
   * {@code DROP TABLE [IF EXISTS] name [, ...] [RESTRICT]}. With IF EXISTS a name that is not
   * there is no error, as in PostgreSQL (migration scripts rely on it): it stays a target, named
   * where a CREATE TABLE of it would put it, so the policy is still asked and the forwarded
   * statement still names it fully qualified; PostgreSQL then answers with its own notice and
   * skips it. Should the table appear in the meantime, it is the one the policy was asked about.
   */
  private AnalyzedStatement dropTables() throws SqlRefusal {
    boolean ifExists = ifExists();
    List<TableSchema> tables = new ArrayList<>();
    do {
      if (!tables.isEmpty()) {
        cursor.advance();
      }
      List<String> name = qualifiedName();
      tables.add(ifExists ? targets.existingOrAbsent(name) : targets.existing(name));
    } while (cursor.is(TokenType.COMMA));
    restrictOnly("DROP TABLE");
    return new DdlStatement(DdlAction.DROP_TABLE, distinctTargets(tables),
        "DROP TABLE " + (ifExists ? "IF EXISTS " : "") + qualifiedList(tables));
  }

  /** {@code DROP INDEX [CONCURRENTLY] [IF EXISTS] name [, ...] [RESTRICT]}: the targets are the indexed tables. */
  private AnalyzedStatement dropIndexes() throws SqlRefusal {
    StringBuilder sql = new StringBuilder("DROP INDEX ");
    if (cursor.isWord("concurrently")) {
      cursor.advance();
      sql.append("CONCURRENTLY ");
    }
    if (ifExists()) {
      sql.append("IF EXISTS ");
    }
    List<TableSchema> tables = new ArrayList<>();
    List<String> indexes = new ArrayList<>();
    do {
      if (!indexes.isEmpty()) {
        cursor.advance();
      }
      List<String> name = qualifiedName();
      TableSchema table = targets.indexed(name);
      tables.add(table);
      indexes.add(PgIdentifiers.quote(table.name().schema()) + "." + PgIdentifiers.quote(name.get(name.size() - 1)));
    } while (cursor.is(TokenType.COMMA));
    restrictOnly("DROP INDEX");
    return new DdlStatement(DdlAction.DROP_INDEX, distinctTargets(tables), sql + String.join(", ", indexes));
  }

  /**
   * {@code TRUNCATE [TABLE] [ONLY] name [, ...] [RESTART IDENTITY | CONTINUE IDENTITY]
   * [RESTRICT]}.
   */
  private AnalyzedStatement truncate() throws SqlRefusal {
    if (cursor.isWord("table")) {
      cursor.advance();
    }
    List<TableSchema> tables = new ArrayList<>();
    List<String> names = new ArrayList<>();
    do {
      if (!tables.isEmpty()) {
        cursor.advance();
      }
      boolean only = cursor.isWord("only");
      if (only) {
        cursor.advance();
      }
      TableSchema table = targets.existing(qualifiedName());
      tables.add(table);
      names.add((only ? "ONLY " : "") + DdlTargets.qualified(table.name()));
    } while (cursor.is(TokenType.COMMA));
    String identity = "";
    if (cursor.isWord("restart") || cursor.isWord("continue")) {
      identity = " " + word().toUpperCase(Locale.ROOT) + " IDENTITY";
      cursor.advance();
      cursor.expectWord("identity");
    }
    restrictOnly("TRUNCATE");
    return new DdlStatement(DdlAction.TRUNCATE, distinctTargets(tables),
        "TRUNCATE TABLE " + String.join(", ", names) + identity);
  }

  // ---- COMMENT

  /** {@code COMMENT ON TABLE name IS 'text' | NULL} or {@code COMMENT ON COLUMN name.column IS ...}. */
  private AnalyzedStatement comment() throws SqlRefusal {
    cursor.expectWord("on");
    String object = word();
    cursor.advance();
    List<String> name = qualifiedName();
    List<String> referenced;
    TableSchema table;
    String target;
    switch (object) {
      case "table" -> {
        table = targets.existing(name);
        referenced = List.of();
        target = "TABLE " + DdlTargets.qualified(table.name());
      }
      case "column" -> {
        if (name.size() < 2) {
          throw cursor.syntaxError("COMMENT ON COLUMN needs table.column");
        }
        String column = name.get(name.size() - 1);
        table = targets.existing(name.subList(0, name.size() - 1));
        referenced = List.of(column);
        target = "COLUMN " + DdlTargets.qualified(table.name()) + "." + PgIdentifiers.quote(column);
      }
      default -> throw RefusedDdl.notGoverned("COMMENT ON " + object.toUpperCase(Locale.ROOT));
    }
    cursor.expectWord("is");
    String text;
    if (cursor.isWord("null")) {
      cursor.advance();
      text = "NULL";
    } else {
      text = "'" + cursor.stringValue().replace("'", "''") + "'";
    }
    if (!cursor.atEnd()) {
      throw cursor.syntaxError("unexpected " + cursor.current().text() + " after the comment");
    }
    return new DdlStatement(DdlAction.COMMENT,
        List.of(DdlTargets.target(table.name(), table.columnNames(), referenced)),
        "COMMENT ON " + target + " IS " + text);
  }

  // ---- pieces

  /** Whether the rest of a CREATE TABLE has AS or EXECUTE outside parentheses (CREATE TABLE ... AS). */
  private boolean storesAQuery() {
    List<Token> tokens = cursor.tokens();
    int depth = 0;
    for (int position = cursor.index(); position < tokens.size(); position++) {
      Token token = tokens.get(position);
      switch (token.type()) {
        case OPEN_PAREN -> depth++;
        case CLOSE_PAREN -> depth--;
        case WORD -> {
          if (depth == 0 && (token.isWord("as") || token.isWord("execute"))) {
            return true;
          }
        }
        default -> {
          // other tokens do not change the nesting
        }
      }
    }
    return false;
  }

  private static String qualifiedList(List<TableSchema> tables) {
    return tables.stream().map(table -> DdlTargets.qualified(table.name())).collect(Collectors.joining(", "));
  }

  /** One target per table, in order, all columns; a table named twice is one target. */
  private static List<RelationAccess> distinctTargets(List<TableSchema> tables) {
    Map<RelationName, RelationAccess> distinct = new LinkedHashMap<>();
    for (TableSchema table : tables) {
      distinct.putIfAbsent(table.name(), DdlTargets.target(table.name(), table.columnNames(), List.of()));
    }
    return List.copyOf(distinct.values());
  }

  /** The end of a DROP or TRUNCATE: nothing, or RESTRICT (PostgreSQL's default); CASCADE is refused. */
  private void restrictOnly(String verb) throws SqlRefusal {
    if (cursor.isWord("cascade")) {
      throw RefusedDdl.cascade(verb);
    }
    if (cursor.isWord("restrict")) {
      cursor.advance();
    }
    if (!cursor.atEnd()) {
      throw cursor.syntaxError("unexpected " + cursor.current().text());
    }
  }

  private boolean ifNotExists() throws SqlRefusal {
    if (!cursor.isWord("if")) {
      return false;
    }
    cursor.advance();
    cursor.expectWord("not");
    cursor.expectWord("exists");
    return true;
  }

  private boolean ifExists() throws SqlRefusal {
    if (!cursor.isWord("if")) {
      return false;
    }
    cursor.advance();
    cursor.expectWord("exists");
    return true;
  }

  /** {@code name [. name [. name]]} as PostgreSQL stores each part. */
  private List<String> qualifiedName() throws SqlRefusal {
    List<String> names = new ArrayList<>();
    names.add(cursor.name());
    while (cursor.is(TokenType.DOT)) {
      cursor.advance();
      names.add(cursor.name());
    }
    if (cursor.is(TokenType.OPERATOR) && cursor.current().text().equals("*")) {
      throw RefusedDdl.notGoverned("table_name * (write the name alone: descendants are included by default)");
    }
    return names;
  }

  /** The current word, folded; refuses anything that is not a word. */
  private String word() throws SqlRefusal {
    if (!cursor.is(TokenType.WORD)) {
      throw cursor.atEnd() ? cursor.syntaxError("the statement ends too early")
          : cursor.syntaxError("unexpected " + cursor.current().text());
    }
    return cursor.current().foldedWord();
  }
}
