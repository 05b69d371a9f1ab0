package io.meshgate.proxy.cli;

import io.meshgate.policy.opa.OpaBinary;
import io.meshgate.policy.tools.PolicyToolResult;
import io.meshgate.policy.tools.PolicyTools;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code meshgate policy check [--policies DIR] [--opa BINARY]} and {@code meshgate policy test
 * [--policies DIR] [--opa BINARY] [opa test arguments]}: the domain teams' checks ({@code
 * policies/check}, run through {@link PolicyTools}), printing what the tools print and exiting
 * with their code (0 passed, 1 a check failed, 2 wrong usage or a missing tool).
 */
final class PolicyCommand {
  private PolicyCommand() {}

  static int run(List<String> args, PrintStream out) throws Exception {
    if (args.isEmpty()) {
      throw new MeshgateCommand.UsageException("policy needs a subcommand: check or test");
    }
    String subcommand = args.get(0);
    List<String> rest = args.subList(1, args.size());
    return switch (subcommand) {
      case "check" -> {
        CommandOptions options = CommandOptions.parse(rest, Set.of("--policies", "--opa"), Set.of());
        Optional<Path> root = RepositoryRoot.find();
        yield print(PolicyTools.check(policies(options.value("--policies"), root), opa(options.value("--opa"), root)), out);
      }
      case "test" -> {
        // Everything but our two options goes to opa test as it is (-v, --run sales, …); after a
        // "--" even those two names do.
        Optional<String> policies = Optional.empty();
        Optional<String> opa = Optional.empty();
        List<String> testArguments = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
          String argument = rest.get(i);
          if (argument.equals("--")) {
            testArguments.addAll(rest.subList(i + 1, rest.size()));
            break;
          } else if (argument.equals("--policies") || argument.equals("--opa")) {
            if (i + 1 >= rest.size()) {
              throw new MeshgateCommand.UsageException(argument + " needs a value");
            }
            Optional<String> value = Optional.of(rest.get(++i));
            if (argument.equals("--policies")) {
              policies = value;
            } else {
              opa = value;
            }
          } else {
            testArguments.add(argument);
          }
        }
        Optional<Path> root = RepositoryRoot.find();
        yield print(PolicyTools.test(policies(policies, root), opa(opa, root), testArguments), out);
      }
      default -> throw new MeshgateCommand.UsageException(
          "unknown policy subcommand '" + subcommand + "'; use check or test");
    };
  }

  private static Path policies(Optional<String> given, Optional<Path> root) throws MeshgateCommand.UsageException {
    if (given.isPresent()) {
      return Path.of(given.get());
    }
    return root.map(checkout -> checkout.resolve("policies")).orElseThrow(() -> new MeshgateCommand.UsageException(
        "give --policies DIR, or run from a Meshgate checkout, whose policies/ is the default"));
  }

  /** --opa, else $MESHGATE_OPA, else the pinned build of the checkout (built once if missing). */
  private static Path opa(Optional<String> given, Optional<Path> root) throws Exception {
    if (given.isPresent()) {
      return Path.of(given.get());
    }
    // OpaBinary looks at $MESHGATE_OPA first; without a checkout its message names that variable.
    return OpaBinary.locate(root.orElse(Path.of("").toAbsolutePath()));
  }

  private static int print(PolicyToolResult result, PrintStream out) {
    result.output().forEach(out::println);
    out.flush();
    // -1: killed at the time limit, a failure like any other to a shell.
    return result.exitCode() < 0 ? 1 : result.exitCode();
  }
}
