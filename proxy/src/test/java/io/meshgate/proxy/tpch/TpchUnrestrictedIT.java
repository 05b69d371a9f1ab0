package io.meshgate.proxy.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.tools.PolicyToolResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TPC-H, unrestricted: a data scientist (carol, no filters, no masks on tpch) gets exactly what
 * PostgreSQL returns for each of the 22 queries: the same columns, types, rows and order, every
 * value compared as PostgreSQL's text.
 */
class TpchUnrestrictedIT {
  @RegisterExtension
  static final TpchMesh tpch = new TpchMesh();

  private static Connection direct;
  private static Connection throughMeshgate;

  @BeforeAll
  static void connect() throws SQLException {
    direct = tpch.directAsSuperuser();
    throughMeshgate = tpch.throughMeshgate("carol");
  }

  @AfterAll
  static void disconnect() throws SQLException {
    direct.close();
    throughMeshgate.close();
  }

  static List<Arguments> queries() {
    return TpchFiles.queries();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void returnsExactlyWhatPostgresReturns(String name, String sql) throws SQLException {
    ResultTable expected = ResultTable.of(direct, sql);
    ResultTable actual = ResultTable.of(throughMeshgate, sql);
    assertTrue(expected.rows().stream().flatMap(List::stream).anyMatch(value -> value != null),
        name + " returns no rows or only NULLs on this data; the comparison would prove little");
    assertEquals(expected, actual, name + " differs: " + expected.firstDifference(actual));
  }

  @Test
  void theTpchDomainPassesItsOwnPolicyTests() throws Exception {
    PolicyToolResult result = tpch.domainTests();
    assertTrue(result.success(), result.outputText());
  }
}
