package io.meshgate.loadtests;

/** The systems a scenario runs against, in the order the report shows them. */
public enum Target {
  /** PostgreSQL itself, no proxy. */
  DIRECT("direct"),
  /** PgBouncer in session mode in front of PostgreSQL. */
  PGBOUNCER("PgBouncer"),
  /**
   * A bare TCP relay on Netty's NIO transport ({@code io.meshgate.loadtests.relay}), the same
   * Netty version and JVM as Meshgate: no protocol decoding, no authentication, no governance, no
   * audit. The floor of any Java proxy on this machine, not a product; select-only only.
   */
  NETTY_RELAY("Netty relay"),
  /** PostgreSQL enforcing the governed workload's rules itself: row-level security and masking views. */
  NATIVE_RLS("native RLS"),
  /** Meshgate in front of PostgreSQL. */
  MESHGATE("Meshgate");

  private final String label;

  Target(String label) {
    this.label = label;
  }

  /** The short name used in tables, charts and progress lines. */
  public String label() {
    return label;
  }
}
