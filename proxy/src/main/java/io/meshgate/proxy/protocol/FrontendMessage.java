package io.meshgate.proxy.protocol;

import static java.util.Objects.requireNonNull;

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

  /** Any other typed message; Meshgate answers with an error rather than guessing. */
  record Unsupported(char type) implements FrontendMessage {}
}
