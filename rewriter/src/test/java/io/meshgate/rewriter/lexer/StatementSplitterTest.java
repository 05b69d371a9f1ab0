package io.meshgate.rewriter.lexer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatementSplitterTest {
  private static List<String> split(String query) throws LexicalException {
    return StatementSplitter.split(query).stream().map(StatementText::text).toList();
  }

  @Test
  void splitsOnSemicolonsThatAreCode() throws LexicalException {
    assertEquals(List.of("select 1", " select 2"), split("select 1; select 2;"));
  }

  @Test
  void semicolonsInStringsCommentsAndIdentifiersDoNotSplit() throws LexicalException {
    String query = "select 'a;b', E'c\\';d', $$e;f$$, $q$g;$$;h$q$, \"i;j\" /* k; /* l; */ m; */"
        + " -- n;\n from t";
    assertEquals(List.of(query), split(query + ";"));
  }

  @Test
  void emptyStatementsAndCommentOnlyStatementsAreDropped() throws LexicalException {
    assertEquals(List.of("select 1", " /* c */ select 2"),
        split(";;select 1; -- nothing here\n; /* c */ select 2; /* end */"));
    assertEquals(List.of(), split(" ; -- x\n ; /* y */ "));
  }

  @Test
  void statementsKnowTheirOffsetInTheQuery() throws LexicalException {
    List<StatementText> statements = StatementSplitter.split("select 1;\n  select 2");
    assertEquals(9, statements.get(1).offset());
    assertEquals("select", statements.get(1).significantTokens().get(0).text());
  }

  @Test
  void aStatementAloneIsItsTrimmedTextWithTokensRelativeToIt() throws LexicalException {
    String query = "select 1; /* a */ SELECT 'x;' /* b */ FROM t -- c\n;";
    List<Token> tokens = PgLexer.tokenize(query);
    List<StatementText> statements = StatementSplitter.split(query, tokens);
    assertEquals(StatementSplitter.split(query), statements);
    StatementText alone = statements.get(1).alone();
    assertEquals("SELECT 'x;' /* b */ FROM t", alone.query());
    // The same tokens as lexing the statement's text on its own would give.
    assertEquals(PgLexer.tokenize(alone.query()), alone.tokens());
    assertEquals(alone.query(), alone.text());
    assertEquals(new StatementText("select 1", PgLexer.tokenize("select 1")),
        StatementSplitter.split("  select 1 ;").get(0).alone());
  }
}
