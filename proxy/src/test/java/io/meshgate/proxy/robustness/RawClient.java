package io.meshgate.proxy.robustness;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A PostgreSQL client on a plain socket that can do what no driver does: write any bytes, cut
 * a frame in half, half-close, reset. It reads the server strictly (a malformed server frame
 * fails the test) and authenticates with cleartext or SCRAM-SHA-256, whichever is asked for.
 */
final class RawClient implements AutoCloseable {
  /** Larger server frames than this mean the client lost its place in the stream. */
  private static final int MAXIMUM_SERVER_FRAME = 64 << 20;
  private static final byte[] LOOPBACK = {127, 0, 0, 1};

  /** How a drained connection ended. */
  enum End {
    /** The server closed the connection. */
    CLOSED,
    /** The server reset the connection. */
    RESET,
    /** The server kept the connection open and said nothing more. */
    SILENT
  }

  /** Everything the server sent until the connection ended or went quiet. */
  record Drained(byte[] bytes, End end) {
    Drained {
      bytes = requireNonNull(bytes, "bytes is null").clone();
      requireNonNull(end, "end is null");
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    /**
     * Whether an ErrorResponse field {@code C<sqlState>} appears. Searched in the raw bytes
     * because a single-byte SSL answer in front of the messages would confuse a frame reader.
     */
    boolean containsSqlState(String sqlState) {
      byte[] needle = ("C" + sqlState + "\0").getBytes(StandardCharsets.US_ASCII);
      outer:
      for (int i = 0; i + needle.length <= bytes.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (bytes[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }
  }

  /** The server ended the startup with an ErrorResponse. */
  static final class RefusedException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient BackendMessage error;

    RefusedException(BackendMessage error) {
      super("the server refused the session: " + error);
      this.error = error;
    }

    BackendMessage error() {
      return error;
    }
  }

  private final Socket socket;
  private final DataInputStream input;
  private final OutputStream output;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.input = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
    this.output = socket.getOutputStream();
  }

  /**
   * Connects to 127.0.0.1:{@code port} from {@code source}, another loopback address, so that
   * the server's per-address authentication limits see the hostile clients apart from the
   * healthy ones.
   */
  static RawClient connect(InetAddress source, int port, Duration readTimeout) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.bind(new InetSocketAddress(source, 0));
      socket.connect(new InetSocketAddress(InetAddress.getByAddress(LOOPBACK), port), 5_000);
      socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
      return new RawClient(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  static RawClient connect(int port, Duration readTimeout) throws IOException {
    return connect(InetAddress.getByAddress(LOOPBACK), port, readTimeout);
  }

  void send(byte[] bytes) throws IOException {
    output.write(bytes);
    output.flush();
  }

  void send(Frame... frames) throws IOException {
    send(FrontendFrames.concat(List.of(frames)));
  }

  /** Writes in random pieces, so the server sees frames cut anywhere. */
  void sendInPieces(byte[] bytes, Random random) throws IOException {
    int offset = 0;
    while (offset < bytes.length) {
      int size = Math.min(bytes.length - offset, random.nextInt(3) == 0 ? 1 + random.nextInt(200) : 1 + random.nextInt(9));
      output.write(bytes, offset, size);
      output.flush();
      offset += size;
      if (random.nextInt(8) == 0) {
        pause(1);
      }
    }
  }

  BackendMessage read() throws IOException {
    int type = input.read();
    if (type < 0) {
      throw new EOFException("the server closed the connection");
    }
    int length = input.readInt();
    if (length < 4 || length > MAXIMUM_SERVER_FRAME) {
      throw new AssertionError("the server sent a malformed frame: type 0x" + Integer.toHexString(type)
          + ", length " + length);
    }
    byte[] body = new byte[length - 4];
    input.readFully(body);
    return new BackendMessage((char) type, body);
  }

  /** Reads messages up to and including the first one of {@code type}. */
  List<BackendMessage> readThrough(char type) throws IOException {
    List<BackendMessage> messages = new ArrayList<>();
    while (true) {
      BackendMessage message = read();
      messages.add(message);
      if (message.type() == type) {
        return messages;
      }
    }
  }

  /** The single-byte answer to SSLRequest and GSSENCRequest. */
  int readByte() throws IOException {
    return input.read();
  }

  /**
   * Sends a startup message and answers the authentication the server asks for, up to the
   * first ReadyForQuery; returns what came after AuthenticationOk.
   */
  List<BackendMessage> authenticate(String user, String database, String password, SecureRandom random)
      throws IOException, GeneralSecurityException {
    return authenticate(FrontendFrames.startup(user, database), password, random);
  }

  /** {@link #authenticate(String, String, String, SecureRandom)} with a startup message of the test's own. */
  List<BackendMessage> authenticate(Frame startup, String password, SecureRandom random)
      throws IOException, GeneralSecurityException {
    send(startup);
    ScramSha256Client scram = null;
    List<BackendMessage> afterOk = new ArrayList<>();
    while (true) {
      BackendMessage message = read();
      switch (message.type()) {
        case 'R' -> {
          int code = message.authenticationCode();
          switch (code) {
            case 0 -> afterOk.clear();
            case 3 -> send(FrontendFrames.password(password));
            case 10 -> {
              String mechanisms = new String(message.authenticationData(), StandardCharsets.UTF_8);
              if (!mechanisms.contains(ScramSha256Client.MECHANISM)) {
                throw new AssertionError("SASL without SCRAM-SHA-256: " + mechanisms);
              }
              scram = new ScramSha256Client(password, random);
              send(FrontendFrames.saslInitialResponse(ScramSha256Client.MECHANISM, scram.clientFirstMessage()));
            }
            case 11 -> send(FrontendFrames.saslResponse(requireNonNull(scram, "SASL continue before SASL")
                .clientFinalMessage(message.authenticationData())));
            case 12 -> {
              if (scram == null || !scram.serverFinalIsValid(message.authenticationData())) {
                throw new AssertionError("the server's SCRAM signature does not verify");
              }
            }
            default -> throw new AssertionError("unexpected authentication request " + code);
          }
        }
        case 'E' -> throw new RefusedException(message);
        case 'Z' -> {
          afterOk.add(message);
          return afterOk;
        }
        default -> afterOk.add(message);
      }
    }
  }

  /** Reads raw bytes until the server closes, resets, or is silent for the read timeout. */
  Drained drain(Duration atMost) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + atMost.toNanos();
    byte[] buffer = new byte[8192];
    InputStream in = input;
    try {
      while (System.nanoTime() < deadline) {
        int count = in.read(buffer);
        if (count < 0) {
          return new Drained(received.toByteArray(), End.CLOSED);
        }
        received.write(buffer, 0, count);
      }
      return new Drained(received.toByteArray(), End.SILENT);
    } catch (SocketTimeoutException e) {
      return new Drained(received.toByteArray(), End.SILENT);
    } catch (SocketException e) {
      return new Drained(received.toByteArray(), End.RESET);
    }
  }

  /** Sends FIN: the client will write nothing more but still reads. */
  void halfClose() throws IOException {
    socket.shutdownOutput();
  }

  /** Drops the connection with a TCP reset instead of a clean close. */
  void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  void setReadTimeout(Duration timeout) throws IOException {
    socket.setSoTimeout(Math.toIntExact(timeout.toMillis()));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
