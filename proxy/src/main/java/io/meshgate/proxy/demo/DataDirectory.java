package io.meshgate.proxy.demo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.stream.Stream;

/**
 * A PostgreSQL data directory: creating it with initdb, the superuser password kept beside the
 * cluster, the server log, the postmaster's process id, and deleting it.
 */
final class DataDirectory {
  /** The superuser's password, kept in the cluster so that a later start on the same directory can log in. */
  static final String PASSWORD_FILE = "meshgate-superuser-password";
  /** The server's standard output and error, appended to across restarts. */
  static final String LOG_FILE = "meshgate-server.log";
  private static final long INITDB_TIMEOUT_SECONDS = 120;
  private static final int LOG_TAIL_BYTES = 16 * 1024;

  private final Path path;

  DataDirectory(Path path) {
    this.path = requireNonNull(path, "path is null").toAbsolutePath();
  }

  Path path() {
    return path;
  }

  Path logFile() {
    return path.resolve(LOG_FILE);
  }

  boolean isInitialized() {
    return Files.isRegularFile(path.resolve("PG_VERSION"));
  }

  /**
   * Runs initdb into this (missing or empty) directory with a new random superuser password,
   * and returns that password.
   */
  String initialize(Path binDirectory, ServerAccount account, boolean crashSafe) {
    try {
      Files.createDirectories(path);
      try (Stream<Path> entries = Files.list(path)) {
        if (entries.findAny().isPresent()) {
          throw new LocalPostgresException(path + " is neither empty nor a PostgreSQL data directory;"
              + " choose an empty or missing directory");
        }
      }
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
      account.takeOwnership(path);
      String password = RandomPassword.generate();
      // initdb reads the password from a file so that it never shows in a process listing.
      Path passwordInput = Files.createTempFile("meshgate-initdb-", ".password",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try {
        Files.writeString(passwordInput, password + "\n", StandardCharsets.UTF_8);
        account.takeOwnership(passwordInput);
        runInitdb(binDirectory, account, crashSafe, passwordInput);
      } finally {
        Files.deleteIfExists(passwordInput);
      }
      Path passwordFile = path.resolve(PASSWORD_FILE);
      Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(passwordFile, PosixFilePermissions.fromString("rw-------"));
      return password;
    } catch (IOException e) {
      throw new LocalPostgresException("cannot prepare the data directory " + path + ": " + e.getMessage(), e);
    }
  }

  String readSuperuserPassword() {
    try {
      return Files.readString(path.resolve(PASSWORD_FILE), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new LocalPostgresException(path + " is a PostgreSQL data directory that Meshgate did not create (no "
          + PASSWORD_FILE + "), so the superuser password is unknown; use an empty or missing directory", e);
    } catch (IOException e) {
      throw new LocalPostgresException("cannot read " + path.resolve(PASSWORD_FILE) + ": " + e.getMessage(), e);
    }
  }

  /** The process id in {@code postmaster.pid}, if the file is there and readable. */
  Optional<Long> postmasterProcessId() {
    try {
      List<String> lines = Files.readAllLines(path.resolve("postmaster.pid"), StandardCharsets.UTF_8);
      if (!lines.isEmpty() && lines.get(0).strip().matches("\\d+")) {
        return Optional.of(Long.parseLong(lines.get(0).strip()));
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code postmaster.pid} names a process that {@code isOurs} accepts and says that it
   * accepts connections. The status line exists since PostgreSQL 10; without it, a matching
   * process id is taken as ready and the login attempt decides.
   */
  boolean postmasterReady(LongPredicate isOurs) {
    try {
      List<String> lines = Files.readAllLines(path.resolve("postmaster.pid"), StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
        return false;
      }
      if (!isOurs.test(Long.parseLong(lines.get(0).strip()))) {
        return false;
      }
      return lines.size() < 8 || lines.get(7).strip().equals("ready");
    } catch (IOException e) {
      // Not written yet, or being rewritten.
      return false;
    }
  }

  long logSize() {
    try {
      return Files.exists(logFile()) ? Files.size(logFile()) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** The last {@code lines} lines of the server log written at or after byte {@code fromOffset}. */
  String logTail(long fromOffset, int lines) {
    try (RandomAccessFile file = new RandomAccessFile(logFile().toFile(), "r")) {
      long start = Math.max(fromOffset, file.length() - LOG_TAIL_BYTES);
      byte[] bytes = new byte[(int) Math.max(0, file.length() - start)];
      file.seek(start);
      file.readFully(bytes);
      List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no server log at " + logFile() + ": " + e.getMessage() + ")";
    }
  }

  /** Deletes the directory and everything in it; failures are ignored because this runs on the way out. */
  void deleteQuietly() {
    WorkDirectories.deleteQuietly(path);
  }

  private void runInitdb(Path binDirectory, ServerAccount account, boolean crashSafe, Path passwordInput)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(
        binDirectory.resolve("initdb").toString(),
        "--pgdata=" + path,
        "--username=" + LocalPostgres.SUPERUSER,
        "--pwfile=" + passwordInput,
        "--encoding=UTF8",
        "--locale=" + serverLocale(),
        // Only loopback TCP is opened (no Unix socket), and every login needs the password.
        "--auth-host=scram-sha-256",
        "--auth-local=scram-sha-256"));
    if (!crashSafe) {
      command.add("--no-sync");
    }
    ProcessBuilder builder = new ProcessBuilder(account.command(command))
        .directory(workingDirectory().toFile())
        .redirectErrorStream(true);
    builder.environment().remove("PGDATA");
    Process process = builder.start();
    process.getOutputStream().close();
    String output;
    try (InputStream standardOutput = process.getInputStream()) {
      output = new String(standardOutput.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      if (!process.waitFor(INITDB_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new LocalPostgresException("initdb did not finish within " + INITDB_TIMEOUT_SECONDS + " s:\n" + output);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new LocalPostgresException("interrupted while running initdb", e);
    }
    if (process.exitValue() != 0) {
      throw new LocalPostgresException("initdb into " + path + " as " + account + " failed with exit code "
          + process.exitValue() + ":\n" + output.strip());
    }
  }

  /**
   * The server processes run in the data directory's parent: an unprivileged account may not be
   * able to enter this JVM's working directory, and PostgreSQL warns if it cannot.
   */
  Path workingDirectory() {
    Path parent = path.getParent();
    return parent == null ? path : parent;
  }

  /**
   * C.UTF-8 where the C library has it: byte-order collation like C (fast, the same on every
   * machine) but character classes that know non-ASCII letters. Plain C elsewhere (macOS).
   */
  private static String serverLocale() {
    try {
      Process process = new ProcessBuilder("locale", "-a").redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output;
      try (InputStream standardOutput = process.getInputStream()) {
        output = new String(standardOutput.readAllBytes(), StandardCharsets.UTF_8);
      }
      process.waitFor(10, TimeUnit.SECONDS);
      boolean hasUtf8 = output.lines().map(String::strip)
          .anyMatch(name -> name.equalsIgnoreCase("C.UTF-8") || name.equalsIgnoreCase("C.utf8"));
      return hasUtf8 ? "C.UTF-8" : "C";
    } catch (IOException e) {
      return "C";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "C";
    }
  }
}
