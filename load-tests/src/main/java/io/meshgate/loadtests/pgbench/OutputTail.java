package io.meshgate.loadtests.pgbench;

import java.util.List;

/** The last lines of a program's output, for error messages that must stay readable. */
final class OutputTail {
  private static final int LINES = 12;

  private OutputTail() {}

  static String of(String output) {
    List<String> lines = output.strip().lines().toList();
    if (lines.isEmpty()) {
      return "(nothing)";
    }
    return String.join("\n", lines.subList(Math.max(0, lines.size() - LINES), lines.size()));
  }
}
