package io.meshgate.proxy.demo;

import static java.util.Objects.requireNonNull;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The operating-system account that initdb and postgres run as.
 *
 * <p>PostgreSQL refuses to run as root, and containers and CI machines often run everything as
 * root. So when this JVM is root the server runs as an unprivileged account (by default
 * {@code nobody}) that owns the data directory; otherwise it runs as the JVM's own user and
 * nothing is switched.
 */
final class ServerAccount {
  private final Optional<Identity> switchTo;

  private ServerAccount(Optional<Identity> switchTo) {
    this.switchTo = requireNonNull(switchTo, "switchTo is null");
  }

  /** The account to use from this process: {@code unprivilegedUser} if we are root, else ourselves. */
  static ServerAccount forThisProcess(String unprivilegedUser) {
    requireNonNull(unprivilegedUser, "unprivilegedUser is null");
    if (new UnixSystem().getUid() != 0) {
      return new ServerAccount(Optional.empty());
    }
    return new ServerAccount(Optional.of(Identity.lookUp(unprivilegedUser)));
  }

  boolean switchesUser() {
    return switchTo.isPresent();
  }

  /** {@code command} prefixed so that it runs as this account. */
  List<String> command(List<String> command) {
    if (switchTo.isEmpty()) {
      return List.copyOf(command);
    }
    Identity identity = switchTo.get();
    List<String> switched = new ArrayList<>();
    if (onPath("setpriv")) {
      // setpriv execs in place, so the child we start is postgres itself and signals reach it.
      switched.addAll(List.of("setpriv", "--reuid=" + identity.userId(), "--regid=" + identity.groupId(),
          "--clear-groups", "--"));
    } else {
      switched.addAll(List.of("runuser", "-u", identity.name(), "--"));
    }
    switched.addAll(command);
    return List.copyOf(switched);
  }

  /** Makes {@code path} belong to this account (a no-op when nothing is switched). */
  void takeOwnership(Path path) throws IOException {
    if (switchTo.isPresent()) {
      Files.setAttribute(path, "unix:uid", switchTo.get().userId());
      Files.setAttribute(path, "unix:gid", switchTo.get().groupId());
    }
  }

  @Override
  public String toString() {
    return switchTo.map(identity -> "user " + identity.name()).orElse("this process's user");
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String directory : path.split(":")) {
      if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
        return true;
      }
    }
    return false;
  }

  private record Identity(String name, int userId, int groupId) {
    Identity {
      requireNonNull(name, "name is null");
    }

    static Identity lookUp(String name) {
      return new Identity(name, Integer.parseInt(id("-u", name)), Integer.parseInt(id("-g", name)));
    }

    private static String id(String option, String name) {
      try {
        Process process = new ProcessBuilder("id", option, name).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output;
        try (InputStream standardOutput = process.getInputStream()) {
          output = new String(standardOutput.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0 || !output.matches("\\d+")) {
          throw new LocalPostgresException("this JVM runs as root, which PostgreSQL refuses, and the account '"
              + name + "' to run it as instead cannot be looked up (" + output
              + "); create that account or choose another in LocalPostgres.Options");
        }
        return output;
      } catch (IOException e) {
        throw new LocalPostgresException("cannot run 'id " + option + " " + name + "': " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LocalPostgresException("interrupted while looking up the account " + name, e);
      }
    }
  }
}
