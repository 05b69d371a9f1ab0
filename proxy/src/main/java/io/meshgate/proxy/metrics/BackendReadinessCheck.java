package io.meshgate.proxy.metrics;

import static java.util.Objects.requireNonNull;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The PostgreSQL backend accepts a connection. The check opens a TCP connection, sends an
 * SSLRequest and expects PostgreSQL's one-byte answer ({@code S} or {@code N}), then closes:
 * that proves a PostgreSQL server (not just any program) listens there, without logging in,
 * without a backend process doing any work, and without a line in the server's log (PostgreSQL
 * keeps quiet about a client that leaves before sending a startup packet).
 */
public final class BackendReadinessCheck implements ReadinessCheck {
  static final String COMPONENT = "backend";

  /** The SSLRequest message: length 8, then the code 1234 5679. */
  private static final int SSL_REQUEST_CODE = 80877103;

  private final String host;
  private final int port;
  private final Duration timeout;

  public BackendReadinessCheck(String host, int port, Duration timeout) {
    this.host = requireNonNull(host, "host is null");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535");
    }
    this.port = port;
    this.timeout = requireNonNull(timeout, "timeout is null");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  @Override
  public ComponentReadiness check() {
    String address = host + ":" + port;
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), millis);
      socket.setSoTimeout(millis);
      DataOutputStream request = new DataOutputStream(socket.getOutputStream());
      request.writeInt(8);
      request.writeInt(SSL_REQUEST_CODE);
      request.flush();
      InputStream response = socket.getInputStream();
      int answer = response.read();
      if (answer == 'S' || answer == 'N') {
        return ComponentReadiness.ready(COMPONENT, "PostgreSQL at " + address + " accepts connections");
      }
      return ComponentReadiness.notReady(COMPONENT, answer < 0
          ? "the backend at " + address + " closed the connection without answering"
          : "the program at " + address + " does not answer like PostgreSQL");
    } catch (SocketTimeoutException e) {
      return ComponentReadiness.notReady(COMPONENT,
          "the backend at " + address + " did not answer within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return ComponentReadiness.notReady(COMPONENT,
          "cannot connect to the backend at " + address + ": " + e.getMessage());
    }
  }
}
