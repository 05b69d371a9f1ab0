package io.meshgate.loadtests.scenario;

import static java.util.Objects.requireNonNull;

import io.meshgate.loadtests.Endpoint;
import io.meshgate.loadtests.Target;
import io.meshgate.loadtests.pgbench.PgbenchScript;
import io.meshgate.loadtests.pgbench.QueryMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The governed workload as the analyst alice, through Meshgate (the data products, governed by
 * the demo policies) and natively (PostgreSQL row-level security and masking views, see
 * {@code NativeGovernance}). Before timing anything it checks that both answer a sample of the
 * workload's statements with the same rows.
 */
public final class GovernedWorkloadScenario {
  /** Stores and customers whose rows the equivalence check compares: both regions and the ends of the id ranges. */
  private static final List<Long> SAMPLE_STORES = List.of(1L, 7L, 23L, 42L, 60L);
  private static final List<Long> SAMPLE_CUSTOMERS = List.of(1L, 500L, 1234L, 2000L);

  /**
   * One system and how its schemas are named.
   *
   * @param salesSchema the schema holding (views of) sales.stores and sales.store_transactions
   * @param customersSchema the schema holding (a view of) customers.customers
   */
  public record Participant(Target target, Endpoint endpoint, String salesSchema, String customersSchema) {
    public Participant {
      requireNonNull(target, "target is null");
      requireNonNull(endpoint, "endpoint is null");
      requireNonNull(salesSchema, "salesSchema is null");
      requireNonNull(customersSchema, "customersSchema is null");
    }
  }

  private final PgbenchRunner runner;
  private final GovernedWorkload workload;
  private final List<Participant> participants;
  private final Path scriptDirectory;

  public GovernedWorkloadScenario(PgbenchRunner runner, GovernedWorkload workload, List<Participant> participants,
      Path scriptDirectory) {
    this.runner = requireNonNull(runner, "runner is null");
    this.workload = requireNonNull(workload, "workload is null");
    this.participants = List.copyOf(participants);
    this.scriptDirectory = requireNonNull(scriptDirectory, "scriptDirectory is null");
    if (this.participants.size() < 2) {
      throw new IllegalArgumentException("the governed workload compares at least two participants");
    }
  }

  /** Runs each statement of the sample on every system and compares the rows with the first system's. */
  public EquivalenceCheck checkEquivalence() {
    List<String> differences = new ArrayList<>();
    int compared = 0;
    Participant reference = participants.get(0);
    for (Participant other : participants.subList(1, participants.size())) {
      try (Connection referenceConnection = reference.endpoint().connect();
          Connection otherConnection = other.endpoint().connect()) {
        for (int index = 0; index < SAMPLE_STORES.size(); index++) {
          Map<String, Long> values = Map.of("store", SAMPLE_STORES.get(index),
              "customer", SAMPLE_CUSTOMERS.get(index % SAMPLE_CUSTOMERS.size()));
          List<String> referenceStatements = workload.statements(reference.salesSchema(), reference.customersSchema(), values);
          List<String> otherStatements = workload.statements(other.salesSchema(), other.customersSchema(), values);
          for (int statement = 0; statement < referenceStatements.size(); statement++) {
            compared++;
            List<String> expected = rows(referenceConnection, referenceStatements.get(statement));
            List<String> actual = rows(otherConnection, otherStatements.get(statement));
            if (!expected.equals(actual)) {
              differences.add(other.target().label() + " vs " + reference.target().label() + ": "
                  + otherStatements.get(statement) + " returned " + actual.size() + " rows, "
                  + reference.target().label() + " " + expected.size() + " (or different values)");
            }
          }
        }
      } catch (SQLException e) {
        differences.add("cannot compare " + other.target().label() + " with " + reference.target().label() + ": "
            + e.getMessage());
      }
    }
    return new EquivalenceCheck(compared, differences);
  }

  public List<Measurement> run(List<QueryMode> modes, List<Integer> clientCounts, Duration duration, Duration warmup) {
    List<PgbenchScript> scripts = new ArrayList<>();
    for (Participant participant : participants) {
      scripts.add(writeScript(participant));
    }
    for (int index = 0; index < participants.size(); index++) {
      Participant participant = participants.get(index);
      runner.warmUp(Scenario.GOVERNED_WORKLOAD.slug(), participant.target(), participant.endpoint(), scripts.get(index), warmup,
          false);
    }
    List<Measurement> measurements = new ArrayList<>();
    for (QueryMode mode : modes) {
      for (int clients : clientCounts) {
        for (int index = 0; index < participants.size(); index++) {
          Participant participant = participants.get(index);
          measurements.add(runner.measure(Scenario.GOVERNED_WORKLOAD, participant.target(), participant.endpoint(),
              scripts.get(index), mode, clients, duration, false));
        }
      }
    }
    return List.copyOf(measurements);
  }

  private PgbenchScript writeScript(Participant participant) {
    Path file = scriptDirectory.resolve("governed-workload-" + participant.salesSchema() + ".sql");
    try {
      Files.createDirectories(scriptDirectory);
      Files.writeString(file, workload.script(participant.salesSchema(), participant.customersSchema()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return new PgbenchScript.File(file);
  }

  /** The rows as text, sorted: statements without ORDER BY may return them in any order. */
  private static List<String> rows(Connection connection, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      ResultSetMetaData metadata = result.getMetaData();
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int column = 1; column <= metadata.getColumnCount(); column++) {
          row.append(column == 1 ? "" : "|").append(result.getString(column));
        }
        rows.add(row.toString());
      }
    }
    rows.sort(null);
    return rows;
  }
}
