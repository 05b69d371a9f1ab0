package io.meshgate.rewriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.meshgate.rewriter.lexer.CanonicalText;
import io.meshgate.rewriter.lexer.PgLexer;
import io.meshgate.rewriter.lexer.Token;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real PostgreSQL 15: the literals {@code CanonicalText} writes mean the values Meshgate
 * read, whether the server reads backslashes in plain strings as escapes or not. That is what
 * keeps a backend that reads strings otherwise from ending a literal where Meshgate did not.
 */
class CanonicalTextIT {
  @RegisterExtension static final SchemaDatabase database = new SchemaDatabase("SELECT 1");

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT E'a\\\\b', 'it''s', $$x\\y$$, E'\\\\'', '' --'",
      "SELECT U&'\\0041\\\\', 'c:\\dir', E'tab\\there'",
      "SELECT 'a' -- continued\n'\\', E'b' \n 'c'"})
  void theValuesAreReadAlikeWhateverStandardConformingStringsSays(String client) throws Exception {
    List<List<String>> asPostgresReadsTheClient = database.run("SET standard_conforming_strings = on", client);
    List<Token> significant = PgLexer.tokenize(client).stream().filter(token -> token.type().isSignificant()).toList();
    String canonical = CanonicalText.of(significant);
    List<String> values = asPostgresReadsTheClient.get(1);
    assertEquals(values, database.run("SET standard_conforming_strings = on", canonical).get(1), canonical);
    assertEquals(values, database.run("SET standard_conforming_strings = off", "SET escape_string_warning = off",
        canonical).get(1), canonical);
    database.run("SET standard_conforming_strings = on", "SELECT 1");
  }
}
