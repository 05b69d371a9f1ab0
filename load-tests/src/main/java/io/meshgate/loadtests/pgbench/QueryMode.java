package io.meshgate.loadtests.pgbench;

import java.util.Locale;

/** pgbench's {@code --protocol} (-M): how statements travel, which is what a proxy feels most. */
public enum QueryMode {
  /** One Query message per statement, values pasted into the SQL text. */
  SIMPLE,
  /** Parse/Bind/Execute of an unnamed statement every time. */
  EXTENDED,
  /** A named statement parsed once per connection, then only Bind/Execute. */
  PREPARED;

  /** The value pgbench expects after {@code --protocol=}. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
