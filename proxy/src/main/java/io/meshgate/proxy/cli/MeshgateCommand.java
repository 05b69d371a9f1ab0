package io.meshgate.proxy.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Entry point: {@code meshgate <command> …}. Exit codes: 0 ok, 1 failure, 2 usage. */
public final class MeshgateCommand {
  static final String USAGE = """
      usage: meshgate <command> [options]

      commands:
        demo [--port N]                      start PostgreSQL with the demo data mesh, OPA and Meshgate
        serve --config FILE                  run Meshgate with a config file (keys: README.md, ConfigKeys)
        users add --file FILE --user NAME [--group G]... [--attribute KEY=VALUE]...
                                             add or replace a user; the password is read from stdin
        audit verify --file FILE [--oldest-kept]
                                             check the audit log's hash chain through all its files;
                                             exit 0 intact, 1 broken (prints the first broken line)
        audit export --file FILE --format jsonl|csv [--from T] [--to T] [--user U]
                     [--relation CATALOG.SCHEMA.TABLE] [--decision allow|deny|none]
                     [--outcome ok|denied|failed|cancelled] [--transaction-outcome committed|rolled_back|unknown]
                     [--output FILE]
                                             the matching events in chain order; T is RFC 3339
                                             (2026-11-21T10:15:00Z) or a date; --from inclusive, --to exclusive;
                                             --outcome denied also finds writes the row filters refused
                                             (their decision allowed them); writes that took effect:
                                             --outcome ok --transaction-outcome committed
        audit usage --file FILE [--file FILE]... [--domain D] [--format text|csv]
                                             queries, users, denials, latency per relation and day
        explain --config FILE --user NAME --sql SQL [--group G]... [--attribute KEY=VALUE]... [--search-path S,…]
                                             show the analysis, policy input, decision and rewritten SQL
                                             for a user, without running the statement
        policy check [--policies DIR] [--opa BINARY]
                                             opa check --strict, layout, opa fmt, opa test (default DIR:
                                             the checkout's policies/); exit code of the checks
        policy test [--policies DIR] [--opa BINARY] [opa test arguments, e.g. -v --run sales]
                                             only opa test
      """;

  private MeshgateCommand() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args), System.out, System.err));
  }

  static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.isEmpty()) {
      err.print(USAGE);
      return 2;
    }
    List<String> rest = args.subList(1, args.size());
    try {
      return switch (args.get(0)) {
        case "demo" -> DemoCommand.run(rest, out);
        case "serve" -> ServeCommand.run(rest, out);
        case "users" -> UsersCommand.run(rest, out, System.in);
        case "audit" -> AuditCommand.run(rest, out, err);
        case "policy" -> PolicyCommand.run(rest, out);
        case "explain" -> ExplainCommand.run(rest, out);
        case "help", "--help", "-h" -> {
          out.print(USAGE);
          yield 0;
        }
        default -> {
          err.println("meshgate: unknown command '" + args.get(0) + "'");
          err.print(USAGE);
          yield 2;
        }
      };
    } catch (UsageException e) {
      err.println("meshgate: " + e.getMessage());
      err.print(USAGE);
      return 2;
    } catch (Exception e) {
      err.println("meshgate: " + e.getMessage());
      return 1;
    }
  }

  /** Wrong arguments; the message says which. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  static String option(List<String> args, String name) throws UsageException {
    int index = args.indexOf(name);
    if (index < 0) {
      return null;
    }
    if (index + 1 >= args.size()) {
      throw new UsageException(name + " needs a value");
    }
    return args.get(index + 1);
  }

  static List<String> options(List<String> args, String name) throws UsageException {
    java.util.ArrayList<String> values = new java.util.ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals(name)) {
        if (i + 1 >= args.size()) {
          throw new UsageException(name + " needs a value");
        }
        values.add(args.get(++i));
      }
    }
    return values;
  }

  static void requireKnown(List<String> args, String... known) throws UsageException {
    List<String> names = Arrays.asList(known);
    for (int i = 0; i < args.size(); i += 2) {
      if (!names.contains(args.get(i))) {
        throw new UsageException("unknown option '" + args.get(i) + "'");
      }
    }
  }
}
