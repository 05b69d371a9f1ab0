package io.meshgate.proxy.protocol;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.memory.MemoryReservation;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Map;

/** Messages a client sends. Content-free messages are singletons. */
public sealed interface FrontendMessage {

  /** Untyped, first message of a session: protocol version and parameters. */
  record StartupMessage(int protocolVersion, Map<String, String> parameters)
      implements FrontendMessage {
    public StartupMessage {
      parameters = Map.copyOf(requireNonNull(parameters, "parameters is null"));
    }

    public int majorVersion() {
      return protocolVersion >>> 16;
    }

    public int minorVersion() {
      return protocolVersion & 0xFFFF;
    }
  }

  /** Untyped: the client asks whether TLS is available. */
  enum SslRequest implements FrontendMessage {
    INSTANCE
  }

  /** Untyped: the client asks whether GSSAPI encryption is available. */
  enum GssEncRequest implements FrontendMessage {
    INSTANCE
  }

  /** Untyped, on a fresh connection: cancel the query of the session with this key. */
  record CancelRequest(int processId, byte[] secretKey) implements FrontendMessage {
    public CancelRequest {
      secretKey = requireNonNull(secretKey, "secretKey is null").clone();
    }

    @Override
    public byte[] secretKey() {
      return secretKey.clone();
    }
  }

  /** 'p': a password, or a SASL message; what it means depends on the authentication step. */
  record PasswordMessage(byte[] payload) implements FrontendMessage {
    public PasswordMessage {
      payload = requireNonNull(payload, "payload is null").clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }
  }

  /** 'Q': a simple query, possibly several statements. */
  record Query(String sql) implements FrontendMessage {
    public Query {
      requireNonNull(sql, "sql is null");
    }
  }

  /** 'X': the client is leaving. */
  enum Terminate implements FrontendMessage {
    INSTANCE
  }

  /** 'P': prepare a statement; the SQL is governed before the backend sees it. */
  record Parse(String statementName, String sql, List<Integer> parameterTypes) implements FrontendMessage {
    public Parse {
      requireNonNull(statementName, "statementName is null");
      requireNonNull(sql, "sql is null");
      parameterTypes = List.copyOf(requireNonNull(parameterTypes, "parameterTypes is null"));
    }
  }

  /**
   * Extended-protocol messages relayed to the backend exactly as the client sent them. Each
   * holds one reference to its raw frame: whoever consumes it forwards or releases it.
   */
  sealed interface Relayed extends FrontendMessage {
    ByteBuf frame();
  }

  /** 'B': bind parameters to a prepared statement, creating a portal. */
  record Bind(String portalName, String statementName, ByteBuf frame) implements Relayed {}

  /** 'E': run a portal, up to {@code maxRows} rows (0 = all). */
  record Execute(String portalName, int maxRows, ByteBuf frame) implements Relayed {}

  /** 'D': describe a statement ('S') or portal ('P'). */
  record Describe(char target, String name, ByteBuf frame) implements Relayed {}

  /** 'C': close a statement ('S') or portal ('P'). */
  record Close(char target, String name, ByteBuf frame) implements Relayed {}

  /** 'S': end of an extended-protocol batch; the backend answers with ReadyForQuery. */
  record Sync(ByteBuf frame) implements Relayed {}

  /** 'H': ask the backend to send what it has. */
  record Flush(ByteBuf frame) implements Relayed {}

  /**
   * The client's side of COPY FROM STDIN: relayed as they are while the backend is in copy-in
   * mode, dropped otherwise (PostgreSQL ignores them outside copy mode too).
   */
  sealed interface CopyMessage extends Relayed {}

  /** 'd': a chunk of the copied data. */
  record CopyData(ByteBuf frame) implements CopyMessage {}

  /** 'c': the end of the copied data. */
  record CopyDone(ByteBuf frame) implements CopyMessage {}

  /** 'f': the client aborts the copy; the backend answers with an error. */
  record CopyFail(ByteBuf frame) implements CopyMessage {}

  /**
   * 'F': a fastpath call of the function {@code functionOid}. Never forwarded (it would run a
   * function with no policy decision); the OID is kept for the refusal's audit event.
   */
  record FunctionCall(int functionOid) implements FrontendMessage {}

  /** Any other typed message; Meshgate answers with an error rather than guessing. */
  record Unsupported(char type) implements FrontendMessage {}

  /**
   * A large message with the bytes it holds taken from the process-wide budget: whoever
   * consumes it releases the reservation once Meshgate holds the message no more.
   */
  record Budgeted(FrontendMessage message, MemoryReservation reservation) implements FrontendMessage {
    public Budgeted {
      requireNonNull(message, "message is null");
      requireNonNull(reservation, "reservation is null");
      if (message instanceof Budgeted || message instanceof OverBudget) {
        throw new IllegalArgumentException("a budgeted message is a message read from the client");
      }
    }
  }

  /**
   * A large message of type {@code type} that the budget had no room for: its bytes are skipped
   * as they arrive, never held. {@code leadingNames} are the names at its start that Meshgate
   * could read without holding it (a Bind's portal and statement), or none.
   */
  record OverBudget(char type, long frameBytes, List<String> leadingNames) implements FrontendMessage {
    public OverBudget {
      leadingNames = List.copyOf(requireNonNull(leadingNames, "leadingNames is null"));
    }
  }
}
