package io.meshgate.loadtests.systems;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A TCP port on 127.0.0.1 that is free right now, for servers that cannot report the one they bound. */
final class LoopbackPort {
  private LoopbackPort() {}

  static int free() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new BenchmarkSetupException("cannot find a free port on 127.0.0.1: " + e.getMessage(), e);
    }
  }
}
