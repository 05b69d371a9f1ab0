package io.meshgate.policy.opa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.policy.Access;
import io.meshgate.policy.ColumnMask;
import io.meshgate.policy.Decision;
import io.meshgate.policy.FilterOperator;
import io.meshgate.policy.PolicyEngineException;
import io.meshgate.policy.PolicyInput;
import io.meshgate.policy.RelationAccess;
import io.meshgate.policy.RelationName;
import io.meshgate.policy.RelationPolicy;
import io.meshgate.policy.RequestContext;
import io.meshgate.policy.RowFilter;
import io.meshgate.policy.StatementKind;
import io.meshgate.policy.Subject;
import io.meshgate.policy.cache.CacheStatistics;
import io.meshgate.policy.cache.CachingPolicyEngine;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo mesh's rules end to end: the real policies/ folder in a real OPA, asked through
 * {@link OpaRestPolicyEngine} and read by the strict decision parser.
 */
class DemoPolicyDecisionsIT {

  private static final Subject ALICE = new Subject("alice", List.of("analysts"), Map.of("region", "EU"));
  private static final Subject BOB = new Subject("bob", List.of("weather_team"), Map.of());
  private static final Subject CAROL = new Subject("carol", List.of("data_scientists"), Map.of());
  private static final Subject DAVE = new Subject("dave", List.of("auditors"), Map.of());

  private static final Map<String, List<String>> COLUMNS =
      Map.of(
          "weather.stations_raw",
          List.of("station_id", "zip_code", "observed_at", "temperature_c", "humidity", "raw_payload"),
          "weather.daily_temperatures",
          List.of("zip_code", "day", "min_temp", "max_temp", "avg_temp"),
          "weather.hourly_temperatures",
          List.of("zip_code", "hour", "min_temp", "max_temp", "avg_temp"),
          "sales.stores",
          List.of("store_id", "zip_code", "region"),
          "sales.store_transactions",
          List.of("transaction_id", "store_id", "day", "amount", "customer_email", "region"),
          "customers.customers",
          List.of("customer_id", "name", "email", "phone", "birth_date", "region"));

  private static final RowFilter EU_ONLY = new RowFilter.Comparison("region", FilterOperator.IN, List.of("EU"));
  private static final Map<String, ColumnMask> CUSTOMER_MASKS =
      Map.of(
          "email", new ColumnMask.Email(),
          "phone", new ColumnMask.ShowLast(4),
          "birth_date", new ColumnMask.TruncateDate(ColumnMask.DateUnit.YEAR));
  // Each filter and mask carries the id of the rule it comes from, for the audit log.
  private static final Map<String, String> CUSTOMER_MASK_POLICIES =
      Map.of("email", "global.pii.email", "phone", "global.pii.phone", "birth_date", "global.pii.birth_date");
  private static final Map<String, ColumnMask> EMAIL_MASK = Map.of("customer_email", new ColumnMask.Email());
  private static final Map<String, String> EMAIL_MASK_POLICY = Map.of("customer_email", "global.pii.email");

  private static ManagedOpaProcess opa;
  private static OpaRestPolicyEngine engine;

  @BeforeAll
  static void startOpa() throws Exception {
    opa = ManagedOpaProcess.start(TestRepository.opaBinary(), TestRepository.policies(), 0);
    String revision = PolicyRevision.of(TestRepository.policies());
    engine = new OpaRestPolicyEngine(OpaRestConfig.of(opa.baseUri()), () -> revision);
  }

  @AfterAll
  static void stopOpa() {
    if (engine != null) {
      engine.close();
    }
    if (opa != null) {
      opa.close();
    }
  }

  private static RelationAccess relation(String schemaAndTable, Access access) {
    String[] parts = schemaAndTable.split("\\.");
    List<String> columns = COLUMNS.getOrDefault(schemaAndTable, List.of("id"));
    return new RelationAccess(new RelationName("mesh", parts[0], parts[1]), access, columns, columns);
  }

  private static PolicyInput statement(Subject subject, StatementKind kind, RelationAccess... relations) {
    return new PolicyInput(
        subject,
        new RequestContext("mesh", "127.0.0.1", "psql", "it-session", Instant.now()),
        kind,
        List.of(relations));
  }

  private static Decision read(Subject subject, String... schemaAndTables) throws PolicyEngineException {
    RelationAccess[] relations = new RelationAccess[schemaAndTables.length];
    for (int index = 0; index < schemaAndTables.length; index++) {
      relations[index] = relation(schemaAndTables[index], Access.READ);
    }
    return engine.decide(statement(subject, StatementKind.SELECT, relations));
  }

  private static RelationPolicy policy(Decision decision, String schemaAndTable) {
    String key = "mesh." + schemaAndTable;
    assertTrue(decision.relations().containsKey(key), () -> "no entry for " + key + " in " + decision);
    return decision.relations().get(key);
  }

  @Test
  void temperatureProductsAreOpenToEveryone() throws Exception {
    for (Subject subject : List.of(ALICE, BOB, CAROL, DAVE)) {
      Decision decision = read(subject, "weather.daily_temperatures", "weather.hourly_temperatures");

      assertTrue(decision.allow(), () -> subject.user() + ": " + decision);
      assertTrue(policy(decision, "weather.daily_temperatures").isUnrestricted());
      assertTrue(policy(decision, "weather.hourly_temperatures").isUnrestricted());
      assertEquals(List.of("weather.open_products"), decision.policies());
    }
  }

  @Test
  void rawStationDataIsForTheWeatherTeamOnly() throws Exception {
    assertTrue(read(BOB, "weather.stations_raw").allow());
    for (Subject subject : List.of(ALICE, CAROL, DAVE)) {
      Decision decision = read(subject, "weather.stations_raw");

      assertFalse(decision.allow(), subject.user());
      assertEquals(List.of("weather.stations_raw is restricted to the weather domain team"), decision.denyReasons());
    }
  }

  @Test
  void analystsSeeTheirRegionWithPiiMasked() throws Exception {
    Decision decision = read(ALICE, "sales.stores", "sales.store_transactions", "customers.customers");

    assertTrue(decision.allow(), decision::toString);
    List<Optional<String>> salesRegion = List.of(Optional.of("sales.regional_readers"));
    assertEquals(
        new RelationPolicy(List.of(EU_ONLY), Map.of(), Set.of(), salesRegion, Map.of()),
        policy(decision, "sales.stores"));
    assertEquals(
        new RelationPolicy(List.of(EU_ONLY), EMAIL_MASK, Set.of(), salesRegion, EMAIL_MASK_POLICY),
        policy(decision, "sales.store_transactions"));
    assertEquals(
        new RelationPolicy(
            List.of(EU_ONLY), CUSTOMER_MASKS, Set.of(), List.of(Optional.of("customers.regional_readers")),
            CUSTOMER_MASK_POLICIES),
        policy(decision, "customers.customers"));
    assertTrue(decision.policies().containsAll(List.of("sales.regional_readers", "customers.regional_readers", "global.pii.email")));
  }

  @Test
  void dataScientistsAndAuditorsSeeAllRegionsWithPiiMasked() throws Exception {
    for (Subject subject : List.of(CAROL, DAVE)) {
      Decision decision = read(subject, "sales.store_transactions", "customers.customers");

      assertTrue(decision.allow(), subject.user());
      assertEquals(
          new RelationPolicy(List.of(), EMAIL_MASK, Set.of(), List.of(), EMAIL_MASK_POLICY),
          policy(decision, "sales.store_transactions"));
      assertEquals(
          new RelationPolicy(List.of(), CUSTOMER_MASKS, Set.of(), List.of(), CUSTOMER_MASK_POLICIES),
          policy(decision, "customers.customers"));
    }
  }

  @Test
  void weatherTeamCannotReadSalesOrCustomers() throws Exception {
    Decision decision = read(BOB, "sales.stores", "customers.customers");

    assertFalse(decision.allow());
    assertEquals(
        List.of(
            "mesh.customers.customers: no rule of domain customers grants read access (default deny)",
            "mesh.sales.stores: no rule of domain sales grants read access (default deny)"),
        decision.denyReasons());
  }

  @Test
  void ownersSeeTheirDomainUnmasked() throws Exception {
    Decision sales = read(new Subject("sam", List.of("sales_team"), Map.of()), "sales.store_transactions");
    Decision customers = read(new Subject("cora", List.of("customers_team"), Map.of()), "customers.customers");

    assertTrue(policy(sales, "sales.store_transactions").isUnrestricted(), sales::toString);
    assertTrue(policy(customers, "customers.customers").isUnrestricted(), customers::toString);
  }

  @Test
  void analystWithoutRegionIsDenied() throws Exception {
    Decision decision = read(new Subject("adam", List.of("analysts"), Map.of()), "customers.customers");

    assertFalse(decision.allow());
    assertEquals(
        List.of("customers.customers: analysts need a region attribute to read it (rule customers.regional_readers)"),
        decision.denyReasons());
  }

  @Test
  void writesNeedAGrantOfTheirAccess() throws Exception {
    Decision decision = engine.decide(statement(BOB, StatementKind.INSERT, relation("weather.stations_raw", Access.INSERT)));

    assertFalse(decision.allow());
    assertEquals(
        List.of("mesh.weather.stations_raw: no rule of domain weather grants insert access (default deny)"),
        decision.denyReasons());
  }

  @Test
  void unknownRelationsAreDeniedByDefault() throws Exception {
    Decision decision = read(CAROL, "public.orders", "sales.refunds");

    assertFalse(decision.allow());
    assertEquals(
        List.of(
            "mesh.public.orders: schema public is not a domain of the mesh (default deny)",
            "mesh.sales.refunds: table refunds is not a data product of domain sales (default deny)"),
        decision.denyReasons());
  }

  @Test
  void undefinedDecisionPathIsMalformed() {
    try (OpaRestPolicyEngine wrongPath =
        new OpaRestPolicyEngine(OpaRestConfig.of(opa.baseUri()).withDecisionPath("meshgate/no_such_rule"))) {
      PolicyEngineException.MalformedDecision error =
          assertThrows(PolicyEngineException.MalformedDecision.class, () -> wrongPath.decide(statement(CAROL, StatementKind.SELECT)));

      assertTrue(error.getMessage().startsWith("policy returned no decision (undefined)"), error.getMessage());
    }
  }

  @Test
  void cachedDecisionsAreTheSame() throws Exception {
    CachingPolicyEngine cached = new CachingPolicyEngine(engine);
    PolicyInput input = statement(ALICE, StatementKind.SELECT, relation("customers.customers", Access.READ));

    Decision first = cached.decide(input);
    Decision second = cached.decide(input);

    assertSame(first, second);
    assertEquals(engine.decide(input), first);
    assertEquals(new CacheStatistics(1, 1, 0, 1), cached.statistics());
    assertTrue(cached.revision().matches("[0-9a-f]{12}"), cached.revision());
  }
}
