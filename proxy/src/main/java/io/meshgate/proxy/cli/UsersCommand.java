package io.meshgate.proxy.cli;

import io.meshgate.proxy.auth.ScramVerifier;
import io.meshgate.proxy.auth.UserEntry;
import io.meshgate.proxy.auth.UsersFile;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code meshgate users add}: writes a SCRAM verifier (never the password) to the users file. */
final class UsersCommand {
  private UsersCommand() {}

  static int run(List<String> args, PrintStream out, InputStream in) throws Exception {
    if (args.isEmpty() || !args.get(0).equals("add")) {
      throw new MeshgateCommand.UsageException("users needs a subcommand: add");
    }
    List<String> options = args.subList(1, args.size());
    MeshgateCommand.requireKnown(options, "--file", "--user", "--group", "--attribute");
    String file = MeshgateCommand.option(options, "--file");
    String user = MeshgateCommand.option(options, "--user");
    if (file == null || user == null) {
      throw new MeshgateCommand.UsageException("users add needs --file FILE and --user NAME");
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (String attribute : MeshgateCommand.options(options, "--attribute")) {
      int equals = attribute.indexOf('=');
      if (equals <= 0) {
        throw new MeshgateCommand.UsageException("--attribute takes KEY=VALUE, not '" + attribute + "'");
      }
      attributes.put(attribute.substring(0, equals), attribute.substring(equals + 1));
    }
    String password = readPassword(in);
    Path path = Path.of(file);
    List<UserEntry> entries = new ArrayList<>();
    if (Files.exists(path)) {
      UsersFile.load(path).entries().stream().filter(entry -> !entry.name().equals(user)).forEach(entries::add);
    }
    entries.add(new UserEntry(user, ScramVerifier.create(password, new SecureRandom()),
        MeshgateCommand.options(options, "--group"), attributes));
    UsersFile.of(entries).save(path);
    out.println("user \"" + user + "\" written to " + path + " (SCRAM-SHA-256 verifier; the password is not stored)");
    return 0;
  }

  private static String readPassword(InputStream in) throws Exception {
    java.io.Console console = System.console();
    if (console != null && in == System.in) {
      char[] typed = console.readPassword("password: ");
      if (typed == null || typed.length == 0) {
        throw new MeshgateCommand.UsageException("an empty password is not allowed");
      }
      return new String(typed);
    }
    String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    if (line == null || line.isEmpty()) {
      throw new MeshgateCommand.UsageException("give the password on standard input (one line); an empty password is not allowed");
    }
    return line;
  }
}
