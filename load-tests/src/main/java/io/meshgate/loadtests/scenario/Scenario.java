package io.meshgate.loadtests.scenario;

/** The pgbench-driven scenarios, in the order the report shows them. */
public enum Scenario {
  SELECT_ONLY("select-only", "Select-only (pgbench -S)"),
  GOVERNED_WORKLOAD("governed-workload", "Governed workload: row filters and masks"),
  CONNECTION_STORM("connection-storm", "Connection storm (pgbench -C)");

  private final String slug;
  private final String title;

  Scenario(String slug, String title) {
    this.slug = slug;
    this.title = title;
  }

  /** For file names. */
  public String slug() {
    return slug;
  }

  public String title() {
    return title;
  }
}
