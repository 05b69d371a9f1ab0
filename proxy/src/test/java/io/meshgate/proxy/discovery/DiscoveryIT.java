package io.meshgate.proxy.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.meshgate.policy.Access;
import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import io.meshgate.policy.opa.OpaRestConfig;
import io.meshgate.policy.opa.OpaRestPolicyEngine;
import io.meshgate.proxy.DemoMesh;
import io.meshgate.proxy.cli.RepositoryRoot;
import io.meshgate.proxy.demo.DemoEnvironment;
import io.meshgate.proxy.demo.DemoEnvironment.DemoUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The meshgate schema through pgjdbc, for each demo user, against independent oracles: which
 * products a user may read is whether {@code SELECT *} of it runs through Meshgate for them, the
 * columns listed are the columns that {@code SELECT *} returns, descriptions, owners and
 * classifications are what the domains' data.json files say, and masks and row filters are what
 * OPA decides when asked directly.
 */
class DiscoveryIT {
  @RegisterExtension static final DemoMesh mesh = DemoMesh.standard();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A data product as its domain's data.json describes it. */
  private record Described(String domain, String product, JsonNode domainJson) {
    String qualifiedName() {
      return domain + "." + product;
    }

    JsonNode productJson() {
      return domainJson.path("products").path(product);
    }
  }

  /** What discovery lists for one user, in its own SQL. */
  private record Listing(Map<String, List<Object>> products, Map<String, List<List<Object>>> columns) {}

  @Test
  void eachUserSeesExactlyTheProductsAndColumnsTheyMayRead() throws Exception {
    List<Described> described = describedProducts();
    Map<String, Set<String>> readableByUser = new LinkedHashMap<>();
    try (OpaRestPolicyEngine opa = new OpaRestPolicyEngine(
        OpaRestConfig.of(mesh.environment().meshgate().managedOpa().orElseThrow().baseUri()))) {
      for (DemoUser user : DemoEnvironment.USERS) {
        try (Connection connection = mesh.connect(user.name())) {
          Map<String, List<String>> selectStarColumns = new TreeMap<>();
          for (Described product : described) {
            selectStarColumns(connection, product.qualifiedName())
                .ifPresent(columns -> selectStarColumns.put(product.qualifiedName(), columns));
          }
          Listing listing = listing(connection);
          assertEquals(List.copyOf(selectStarColumns.keySet()), List.copyOf(listing.products().keySet()),
              user.name() + ": the listed products are the ones SELECT * runs on");
          for (Described product : described) {
            if (!selectStarColumns.containsKey(product.qualifiedName())) {
              continue;
            }
            RelationPolicy policy = decide(opa, user, product, selectStarColumns.get(product.qualifiedName()));
            checkProduct(user, product, listing.products().get(product.qualifiedName()), policy);
            checkColumns(user, product, selectStarColumns.get(product.qualifiedName()),
                listing.columns().get(product.qualifiedName()), policy);
          }
          readableByUser.put(user.name(), selectStarColumns.keySet());
        }
      }
    }
    assertTrue(new HashSet<>(readableByUser.values()).size() > 1,
        "the demo users must not all see the same products: " + readableByUser);
    assertTrue(readableByUser.get("bob").contains("weather.stations_raw"), readableByUser.toString());
    assertFalse(readableByUser.get("alice").contains("weather.stations_raw"), readableByUser.toString());
  }

  private static void checkProduct(DemoUser user, Described product, List<Object> row, RelationPolicy policy) {
    String context = user.name() + " " + product.qualifiedName();
    assertEquals(product.domain(), row.get(0), context);
    assertEquals(product.product(), row.get(1), context);
    assertEquals(product.productJson().path("description").textValue(), row.get(2), context);
    List<String> owners = new ArrayList<>();
    product.domainJson().path("owners").forEach(owner -> owners.add(owner.textValue()));
    assertEquals(owners, row.get(3), context);
    assertEquals(product.domainJson().path("description").textValue(), row.get(4), context);
    assertEquals(!policy.rowFilters().isEmpty(), row.get(5), context + " row_filtered");
  }

  private static void checkColumns(DemoUser user, Described product, List<String> selectStar,
      List<List<Object>> rows, RelationPolicy policy) {
    String context = user.name() + " " + product.qualifiedName();
    assertEquals(selectStar, rows.stream().map(row -> row.get(0)).toList(), context + ": columns as SELECT * shows them");
    for (List<Object> row : rows) {
      String column = (String) row.get(0);
      JsonNode describedColumn = product.productJson().path("columns").path(column);
      assertEquals(describedColumn.path("description").textValue(), row.get(2), context + "." + column);
      assertEquals(describedColumn.path("classification").textValue(), row.get(3), context + "." + column);
      Optional<String> mask = Optional.ofNullable(policy.columnMasks().get(column)).map(ColumnMask::function);
      assertEquals(mask.isPresent(), row.get(4), context + "." + column + " masked");
      assertEquals(mask.orElse(null), row.get(5), context + "." + column + " mask");
    }
  }

  @Test
  void maskedFlagsDifferBetweenUsersAsTheDecisionsDo() throws Exception {
    // customers.customers: PII masked for everyone in the demo except the owning team; at
    // least one demo user reads it and sees masked columns.
    Set<String> maskedForCarol = maskedColumns("carol");
    assertTrue(maskedForCarol.contains("customers.customers.email"), maskedForCarol.toString());
    assertTrue(maskedColumns("bob").stream().noneMatch(column -> column.startsWith("customers.")),
        "bob reads no customers product, so none of its columns is listed");
  }

  private static Set<String> maskedColumns(String user) throws SQLException {
    Set<String> masked = new HashSet<>();
    try (Connection connection = mesh.connect(user);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT domain || '.' || product || '.' || column_name FROM meshgate.columns WHERE masked")) {
      while (rows.next()) {
        masked.add(rows.getString(1));
      }
    }
    return masked;
  }

  @Test
  void filtersJoinsOrderingAndAggregatesRunInTheBackend() throws Exception {
    try (Connection carol = mesh.connect("carol")) {
      Listing listing = listing(carol);
      // WHERE, GROUP BY and ORDER BY on one relation
      Map<String, Long> perDomain = new TreeMap<>((left, right) -> right.compareTo(left));
      listing.products().keySet().stream().map(name -> name.substring(0, name.indexOf('.')))
          .filter(domain -> !domain.equals("weather"))
          .forEach(domain -> perDomain.merge(domain, 1L, Long::sum));
      assertEquals(perDomain.entrySet().stream().map(Object::toString).toList(), pairs(carol, "SELECT domain, count(*) FROM meshgate.data_products"
          + " WHERE domain <> 'weather' GROUP BY domain ORDER BY domain DESC"));
      // a join of the two relations
      List<String> masked = new ArrayList<>();
      listing.columns().forEach((product, rows) -> rows.stream().filter(row -> (Boolean) row.get(4))
          .forEach(row -> masked.add(product + "." + row.get(0))));
      assertEquals(masked.stream().sorted().toList(), strings(carol, "SELECT p.qualified_name || '.' || c.column_name"
          + " FROM meshgate.data_products AS p JOIN meshgate.columns c ON c.domain = p.domain AND c.product = p.product"
          + " WHERE c.masked ORDER BY 1"));
      // an array column, and a subquery
      List<String> ownedBySalesWithStoreId = listing.products().entrySet().stream()
          .filter(product -> ((List<?>) product.getValue().get(3)).contains("sales_team"))
          .filter(product -> listing.columns().get(product.getKey()).stream().anyMatch(row -> row.get(0).equals("store_id")))
          .map(Map.Entry::getKey)
          .toList();
      assertFalse(ownedBySalesWithStoreId.isEmpty());
      assertEquals(ownedBySalesWithStoreId,
          strings(carol, "SELECT qualified_name FROM meshgate.data_products WHERE 'sales_team' = ANY (owners)"
              + " AND product IN (SELECT product FROM meshgate.columns WHERE column_name = 'store_id')"
              + " ORDER BY qualified_name"));
      // a join with a governed table: the policy still shapes the governed side
      long stores;
      try (Connection backend = mesh.backendAsSuperuser()) {
        stores = Long.parseLong(strings(backend, "SELECT count(*) FROM sales.stores").get(0));
      }
      assertEquals(List.of(Long.toString(stores)), strings(carol, "SELECT count(*) FROM sales.stores s"
          + " JOIN meshgate.columns c ON c.product = 'stores' AND c.column_name = 'zip_code'"));
      // the extended protocol with a parameter
      try (PreparedStatement statement = carol.prepareStatement(
          "SELECT column_name FROM meshgate.columns WHERE domain = ? AND product = ? ORDER BY ordinal_position")) {
        statement.setString(1, "sales");
        statement.setString(2, "stores");
        List<String> columns = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            columns.add(rows.getString(1));
          }
        }
        assertEquals(listing.columns().get("sales.stores").stream().map(row -> row.get(0)).toList(), columns);
      }
    }
  }

  @Test
  void theColumnsHaveTheirDocumentedTypes() throws SQLException {
    try (Connection dave = mesh.connect("dave"); Statement statement = dave.createStatement()) {
      assertEquals(List.of("domain text", "product text", "qualified_name text", "description text",
              "owners _text", "domain_description text", "row_filtered bool"),
          columnTypes(statement, "SELECT * FROM meshgate.data_products"));
      assertEquals(List.of("domain text", "product text", "column_name text", "ordinal_position int4",
              "data_type text", "description text", "classification text", "masked bool", "mask text"),
          columnTypes(statement, "SELECT * FROM meshgate.columns"));
    }
  }

  static List<String> columnTypes(Statement statement, String sql) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery(sql)) {
      ResultSetMetaData metadata = rows.getMetaData();
      for (int i = 1; i <= metadata.getColumnCount(); i++) {
        columns.add(metadata.getColumnName(i) + " " + metadata.getColumnTypeName(i));
      }
    }
    return columns;
  }

  // ---- oracles

  /** Every product of every domain folder's data.json under policies/. */
  private static List<Described> describedProducts() throws IOException {
    Path policies = RepositoryRoot.find().orElseThrow().resolve("policies");
    List<Described> products = new ArrayList<>();
    try (Stream<Path> folders = Files.list(policies)) {
      for (Path folder : folders.sorted().toList()) {
        Path data = folder.resolve("data.json");
        if (!Files.isRegularFile(data)) {
          continue;
        }
        JsonNode domain = JSON.readTree(data.toFile());
        domain.path("products").fieldNames().forEachRemaining(product ->
            products.add(new Described(folder.getFileName().toString(), product, domain)));
      }
    }
    assertFalse(products.isEmpty());
    return products;
  }

  /** The columns {@code SELECT *} returns through Meshgate, or empty if the policy denies it. */
  private static Optional<List<String>> selectStarColumns(Connection connection, String relation) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT * FROM " + relation + " LIMIT 0")) {
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
        columns.add(rows.getMetaData().getColumnName(i));
      }
      return Optional.of(columns);
    } catch (SQLException e) {
      if ("42501".equals(e.getSQLState())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** OPA's own decision for the user reading all of the product's columns. */
  private static RelationPolicy decide(OpaRestPolicyEngine opa, DemoUser user, Described product,
      List<String> selectStar) throws Exception {
    List<String> columns = new ArrayList<>();
    try (Connection backend = mesh.backendAsSuperuser();
        PreparedStatement statement = backend.prepareStatement("SELECT column_name FROM information_schema.columns"
            + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
      statement.setString(1, product.domain());
      statement.setString(2, product.product());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(rows.getString(1));
        }
      }
    }
    assertTrue(columns.containsAll(selectStar));
    RelationName relation = new RelationName("mesh", product.domain(), product.product());
    Decision decision = opa.decide(new PolicyInput(
        new Subject(user.name(), user.groups(), user.attributes()),
        new RequestContext("mesh", "127.0.0.1", "", "discovery-it", Instant.now()),
        StatementKind.SELECT,
        List.of(new RelationAccess(relation, Access.READ, columns, columns))));
    if (!decision.allow()) {
      fail(user.name() + " may SELECT * from " + relation + " through Meshgate, but OPA denies it directly");
    }
    return decision.policyFor(relation);
  }

  // ---- reading discovery

  private static Listing listing(Connection connection) throws SQLException {
    Map<String, List<Object>> products = new LinkedHashMap<>();
    Map<String, List<List<Object>>> columns = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement()) {
      try (ResultSet rows = statement.executeQuery("SELECT qualified_name, domain, product, description, owners,"
          + " domain_description, row_filtered FROM meshgate.data_products ORDER BY qualified_name")) {
        while (rows.next()) {
          Array owners = rows.getArray(5);
          products.put(rows.getString(1), Arrays.asList(rows.getString(2), rows.getString(3), rows.getString(4),
              List.of((String[]) owners.getArray()), rows.getString(6), rows.getBoolean(7)));
        }
      }
      try (ResultSet rows = statement.executeQuery("SELECT domain || '.' || product, column_name, ordinal_position,"
          + " description, classification, masked, mask, data_type FROM meshgate.columns"
          + " ORDER BY domain, product, ordinal_position")) {
        while (rows.next()) {
          List<Object> row = new ArrayList<>();
          row.add(rows.getString(2));
          row.add(rows.getInt(3));
          row.add(rows.getString(4));
          row.add(rows.getString(5));
          row.add(rows.getBoolean(6));
          row.add(rows.getString(7));
          row.add(rows.getString(8));
          columns.computeIfAbsent(rows.getString(1), product -> new ArrayList<>()).add(row);
        }
      }
    }
    return new Listing(products, columns);
  }

  private static List<String> strings(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }

  /** Two-column rows as "first=second", in order. */
  private static List<String> pairs(Connection connection, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1) + "=" + rows.getString(2));
      }
    }
    return values;
  }
}
