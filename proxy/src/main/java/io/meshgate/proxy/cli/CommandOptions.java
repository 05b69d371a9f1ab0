package io.meshgate.proxy.cli;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The options of one command: {@code --name value} pairs (a name may repeat where the command
 * allows it) and bare {@code --flag}s; anything else is a usage error naming it, so a typo never
 * silently widens an audit export or skips a check.
 */
final class CommandOptions {
  private final Map<String, List<String>> values;
  private final Set<String> flagsGiven;

  private CommandOptions(Map<String, List<String>> values, Set<String> flagsGiven) {
    this.values = values;
    this.flagsGiven = flagsGiven;
  }

  static CommandOptions parse(List<String> args, Set<String> valueOptions, Set<String> flags)
      throws MeshgateCommand.UsageException {
    requireNonNull(args, "args is null");
    Map<String, List<String>> values = new LinkedHashMap<>();
    Set<String> given = new HashSet<>();
    for (int i = 0; i < args.size(); i++) {
      String name = args.get(i);
      if (flags.contains(name)) {
        given.add(name);
      } else if (valueOptions.contains(name)) {
        if (i + 1 >= args.size()) {
          throw new MeshgateCommand.UsageException(name + " needs a value");
        }
        values.computeIfAbsent(name, ignored -> new ArrayList<>()).add(args.get(++i));
      } else {
        throw new MeshgateCommand.UsageException("unknown option '" + name + "'");
      }
    }
    return new CommandOptions(values, Set.copyOf(given));
  }

  /** The value of an option given at most once. */
  Optional<String> value(String name) throws MeshgateCommand.UsageException {
    List<String> given = values(name);
    if (given.size() > 1) {
      throw new MeshgateCommand.UsageException(name + " may be given once");
    }
    return given.stream().findFirst();
  }

  /** The value of an option that must be given exactly once. */
  String required(String name, String command) throws MeshgateCommand.UsageException {
    return value(name).orElseThrow(() -> new MeshgateCommand.UsageException(command + " needs " + name));
  }

  /** Every value of a repeatable option, in order. */
  List<String> values(String name) {
    return List.copyOf(values.getOrDefault(name, List.of()));
  }

  boolean flag(String name) {
    return flagsGiven.contains(name);
  }
}
