package io.meshgate.loadtests.report;

import static java.util.Objects.requireNonNull;

/** The versions that produced a report's numbers. */
public record SoftwareVersions(
    String meshgateRevision, String postgres, String pgbouncer, String pgbench, String opa, String java) {
  public SoftwareVersions {
    requireNonNull(meshgateRevision, "meshgateRevision is null");
    requireNonNull(postgres, "postgres is null");
    requireNonNull(pgbouncer, "pgbouncer is null");
    requireNonNull(pgbench, "pgbench is null");
    requireNonNull(opa, "opa is null");
    requireNonNull(java, "java is null");
  }
}
