package io.meshgate.policy.opa;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which process listens on a loopback TCP port, read from Linux's {@code /proc}. A free port
 * chosen for OPA can be taken by another process before OPA binds it; OPA then exits, but the
 * other process may already have answered the health check, and every decision would come from
 * whatever listens there. So a managed OPA counts as started only once its own process holds
 * the listening socket.
 */
final class LoopbackListener {
  private static final Path PROC = Path.of("/proc");
  /** {@code st} of a socket in the LISTEN state in {@code /proc/net/tcp}. */
  private static final String LISTEN = "0A";

  private LoopbackListener() {}

  /** Whether this system tells who listens on a port ({@code /proc/net/tcp}, Linux). */
  static boolean canTell() {
    return Files.isReadable(PROC.resolve("net/tcp"));
  }

  /**
   * Whether process {@code pid} holds the socket listening on {@code 127.0.0.1:port}; false
   * when nothing listens there or another process does.
   */
  static boolean isHeldBy(long pid, int port) throws IOException {
    Optional<String> inode = listeningSocketInode(Files.readAllLines(PROC.resolve("net/tcp")), port);
    Path tcp6 = PROC.resolve("net/tcp6");
    if (inode.isEmpty() && Files.isReadable(tcp6)) {
      inode = listeningSocketInode(Files.readAllLines(tcp6), port); // a dual-stack socket (Java's)
    }
    if (inode.isEmpty()) {
      return false;
    }
    String target = "socket:[" + inode.get() + "]";
    try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
      for (Path descriptor : descriptors) {
        try {
          if (Files.readSymbolicLink(descriptor).toString().equals(target)) {
            return true;
          }
        } catch (IOException e) {
          // closed while we looked
        }
      }
    } catch (IOException e) {
      return false; // the process is gone
    }
    return false;
  }

  /**
   * The inode of the socket listening on {@code 127.0.0.1:port} in the lines of {@code
   * /proc/net/tcp} or {@code /proc/net/tcp6} (there as {@code ::ffff:127.0.0.1}); columns {@code
   * sl local_address rem_address st ... uid timeout inode}.
   */
  static Optional<String> listeningSocketInode(List<String> procNetTcp, int port) {
    String portSuffix = ":" + HexFormat.of().withUpperCase().toHexDigits((short) port);
    List<String> locals = List.of("0100007F" + portSuffix, "0000000000000000FFFF00000100007F" + portSuffix);
    for (String line : procNetTcp) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length > 9 && locals.contains(fields[1].toUpperCase(Locale.ROOT)) && fields[3].equals(LISTEN)) {
        return Optional.of(fields[9]);
      }
    }
    return Optional.empty();
  }
}
