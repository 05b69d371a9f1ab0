package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Subject;
import io.meshgate.proxy.auth.AuthenticationException;
import io.meshgate.proxy.auth.AuthenticationMethod;
import io.meshgate.proxy.auth.LoggedText;
import io.meshgate.proxy.auth.ScramServerExchange;
import io.meshgate.proxy.auth.TooManyAuthenticationFailuresException;
import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.proxy.protocol.FrontendMessage;
import io.meshgate.proxy.protocol.FrontendMessageDecoder;
import io.meshgate.proxy.protocol.ProtocolException;
import io.meshgate.proxy.protocol.SaslInitialResponse;
import io.meshgate.proxy.protocol.ServerMessages;
import io.meshgate.rewriter.analysis.UtilityStatements;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login of one client connection, before it has a backend: the startup packet (TLS,
 * protocol version, user, client encoding, search path), then a cleartext password (checked on
 * a worker) or a SCRAM-SHA-256 exchange, under the per-address limit of failed attempts. It ends
 * in {@link Steps#loggedIn} or a fatal error; {@link ClientSession} then connects the backend.
 */
final class SessionLogin {
  private static final Logger LOG = LoggerFactory.getLogger(SessionLogin.class);
  static final List<String> DEFAULT_SEARCH_PATH = List.of("$user", "public");

  /** What a login asks of its session. */
  interface Steps {
    /** Sends the error and ends the session. */
    void fatal(ErrorFields error);

    /** Ends the session without a word (a cancel request's connection). */
    void closeQuietly();

    /** A password is being checked off the event loop: client messages wait. */
    void checkingCredentials();

    /** The client proved who it is; called on the event loop. */
    void loggedIn(LoggedIn login);

    boolean isClosed();

    /** Runs a task on a worker (ending the session if none will take it). */
    void submit(Runnable task);

    /** Runs a task on the session's event loop. */
    void onLoop(Runnable task);
  }

  /** Who logged in, and what their startup packet asked for. */
  record LoggedIn(String user, Subject subject, Map<String, String> startupParameters, List<String> searchPath) {
    LoggedIn {
      requireNonNull(user, "user is null");
      requireNonNull(subject, "subject is null");
      startupParameters = Map.copyOf(startupParameters);
      searchPath = List.copyOf(searchPath);
    }
  }

  private final SessionServices services;
  private final String sessionId;
  private final ChannelHandlerContext context;
  private final Steps steps;
  private boolean awaitingPassword;
  private Map<String, String> startupParameters = Map.of();
  private List<String> searchPath = DEFAULT_SEARCH_PATH;
  private ScramServerExchange scram;
  private boolean scramStarted;

  SessionLogin(SessionServices services, String sessionId, ChannelHandlerContext context, Steps steps) {
    this.services = requireNonNull(services, "services is null");
    this.sessionId = requireNonNull(sessionId, "sessionId is null");
    this.context = requireNonNull(context, "context is null");
    this.steps = requireNonNull(steps, "steps is null");
  }

  /** A client message before the login ended. */
  void handle(FrontendMessage message) {
    if (awaitingPassword) {
      handlePassword(message);
    } else {
      handleStartupPhase(message);
    }
  }

  private void handleStartupPhase(FrontendMessage message) {
    switch (message) {
      case FrontendMessage.SslRequest ssl -> startTls();
      case FrontendMessage.GssEncRequest gss -> writeRaw(ServerMessages.SSL_REFUSED);
      case FrontendMessage.CancelRequest cancel -> {
        services.cancelKeys().find(cancel.processId(), cancel.secretKey())
            .ifPresent(registration -> registration.cancel().run());
        steps.closeQuietly();
      }
      case FrontendMessage.StartupMessage startup -> startup(startup);
      default -> {
        if (message instanceof FrontendMessage.Relayed relayed) {
          relayed.frame().release();
        }
        steps.fatal(ErrorFields.fatal(ProtocolException.SQLSTATE, "expected a startup message"));
      }
    }
  }

  private void startup(FrontendMessage.StartupMessage startup) {
    // Settings in "options" (PGOPTIONS, sqlx, tokio-postgres) count as startup parameters, so
    // the encoding check, the search path and the backend's parameters all see them.
    Map<String, String> parameters = StartupOptions.withOptionSettings(startup.parameters());
    String user = parameters.getOrDefault("user", "");
    if (user.isEmpty()) {
      steps.fatal(ErrorFields.fatal("28000", "no PostgreSQL user name specified in startup packet"));
      return;
    }
    Optional<ErrorFields> encoding = BackendSessionParameters.unsupportedClientEncoding(parameters);
    if (encoding.isPresent()) {
      steps.fatal(encoding.get());
      return;
    }
    List<String> protocolOptions = startup.parameters().keySet().stream()
        .filter(name -> name.startsWith("_pq_.")).sorted().toList();
    if (startup.minorVersion() > 0 || !protocolOptions.isEmpty()) {
      // Meshgate speaks 3.0 (4-byte cancel keys) and no protocol extensions: say so, as
      // PostgreSQL does, and the client carries on with 3.0.
      context.write(ServerMessages.negotiateProtocolVersion(context.alloc(), 0, protocolOptions));
    }
    if (services.tlsRequired() && !tlsActive()) {
      steps.fatal(ErrorFields.fatal("28000", "this Meshgate accepts only TLS connections")
          .withHint("Connect with sslmode=require, or verify-full with the server's CA certificate."));
      return;
    }
    if (services.authenticationMethod() == AuthenticationMethod.PASSWORD && !tlsActive()
        && !services.cleartextWithoutTls().allowedWithoutTls(clientInetAddress())) {
      steps.fatal(ErrorFields.fatal("28000", "cleartext passwords are refused on unencrypted connections")
          .withHint("Connect with TLS (sslmode=require or verify-full); operators: see auth.cleartext_without_tls."));
      return;
    }
    startupParameters = parameters;
    searchPath = parseSearchPath(startupParameters.get("search_path"));
    if (UtilityStatements.listsPgCatalogAfterAnotherSchema(searchPath)) {
      steps.fatal(ErrorFields.fatal("42501", UtilityStatements.pgCatalogNotFirst().getMessage()));
      return;
    }
    if (!mayTryCredentials()) {
      return;
    }
    awaitingPassword = true;
    switch (services.authenticationMethod()) {
      case SCRAM -> {
        scram = new ScramServerExchange(services.authenticator().users(), user);
        byte[] mechanisms = (ScramServerExchange.MECHANISM + "\0\0").getBytes(StandardCharsets.US_ASCII);
        context.writeAndFlush(ServerMessages.authentication(context.alloc(), 10, mechanisms));
      }
      case PASSWORD -> context.writeAndFlush(ServerMessages.authenticationCleartextPassword(context.alloc()));
    }
  }

  private void handlePassword(FrontendMessage message) {
    if (!(message instanceof FrontendMessage.PasswordMessage passwordMessage)) {
      if (message instanceof FrontendMessage.Relayed relayed) {
        relayed.frame().release();
      }
      steps.fatal(ErrorFields.fatal(ProtocolException.SQLSTATE, "expected a password message"));
      return;
    }
    byte[] payload = passwordMessage.payload();
    if (scram != null) {
      continueScram(payload);
      return;
    }
    if (!mayTryCredentials()) {
      Arrays.fill(payload, (byte) 0);
      return;
    }
    int length = payload.length > 0 && payload[payload.length - 1] == 0 ? payload.length - 1 : payload.length;
    String password = new String(payload, 0, length, StandardCharsets.UTF_8);
    Arrays.fill(payload, (byte) 0);
    String user = startupParameters.get("user");
    steps.checkingCredentials();
    steps.submit(() -> {
      Optional<Subject> subject = services.authenticator().authenticate(user, password);
      steps.onLoop(() -> passwordChecked(user, subject));
    });
  }

  /**
   * A success is told only while the address is under its limit: checks that ran at the same
   * time as the failures that reached it must not tell the client which guess was right.
   */
  private void passwordChecked(String user, Optional<Subject> subject) {
    if (steps.isClosed() || (subject.isPresent() && !mayTryCredentials())) {
      return;
    }
    checked(user, subject);
  }

  /** SCRAM-SHA-256: client-first, then client-final; cheap (no PBKDF2), so on the event loop. */
  private void continueScram(byte[] payload) {
    String user = startupParameters.get("user");
    try {
      if (!scramStarted) {
        // A malformed first message or a mechanism Meshgate does not offer is a failed attempt
        // too: left uncounted, it would be a way to try the server without limit.
        SaslInitialResponse initial;
        try {
          initial = SaslInitialResponse.parse(payload);
        } catch (ProtocolException e) {
          refuseAuthentication(user, "malformed SASLInitialResponse",
              ErrorFields.fatal(ProtocolException.SQLSTATE, "protocol violation: " + e.getMessage()));
          return;
        }
        if (!ScramServerExchange.supports(initial.mechanism())) {
          refuseAuthentication(user, "unsupported SASL mechanism", ErrorFields.fatal("28000",
              "SASL mechanism " + initial.mechanism() + " is not supported; use SCRAM-SHA-256"));
          return;
        }
        scramStarted = true;
        context.writeAndFlush(ServerMessages.authentication(context.alloc(), 11, scram.handleClientFirst(initial.data())));
        return;
      }
      if (!mayTryCredentials()) {
        return;
      }
      byte[] serverFinal = scram.handleClientFinal(payload);
      context.write(ServerMessages.authentication(context.alloc(), 12, serverFinal));
      checked(user, scram.subject());
    } catch (AuthenticationException e) {
      refuseAuthentication(user, e.reason(), ErrorFields.fatal(e.sqlState(), e.getMessage()));
    }
  }

  private void checked(String user, Optional<Subject> subject) {
    if (steps.isClosed()) {
      return;
    }
    if (subject.isEmpty()) {
      refuseAuthentication(user, "wrong password, unknown user or invalid token",
          ErrorFields.fatal("28P01", "password authentication failed for user \"" + user + "\""));
      return;
    }
    steps.loggedIn(new LoggedIn(user, subject.get(), startupParameters, searchPath));
  }

  /**
   * Asked at startup and again when the credentials arrive: connections opened together, before
   * the address used up its attempts, would otherwise each get a guess past the limit.
   */
  private boolean mayTryCredentials() {
    try {
      services.rateLimiter().checkAllowed(clientInetAddress());
      return true;
    } catch (TooManyAuthenticationFailuresException e) {
      LOG.info("session {}: {} from {}", sessionId, e.reason(), clientAddress());
      steps.fatal(ErrorFields.fatal(e.sqlState(), e.getMessage()));
      return false;
    }
  }

  /**
   * Counts the failure and ends the session with {@code error}; past the address's limit (other
   * connections' failures may have reached it while this one was checked) with the limit's
   * error instead, so a client learns at most that many failures.
   */
  private void refuseAuthentication(String user, String reason, ErrorFields error) {
    services.metrics().authenticationFailed();
    boolean withinLimit = services.rateLimiter().recordFailureWithinLimit(clientInetAddress());
    LOG.info("authentication failed for user {} from {}: {}", LoggedText.quoted(user), clientAddress(), reason);
    steps.fatal(withinLimit ? error : ErrorFields.fatal(
        TooManyAuthenticationFailuresException.SQLSTATE, TooManyAuthenticationFailuresException.MESSAGE));
  }

  /**
   * SSLRequest: answer 'S' and install TLS, or 'N'. Bytes the client sent after SSLRequest
   * but before the handshake cannot be trusted (they could be injected by anyone on the path),
   * so their presence ends the connection.
   */
  private void startTls() {
    if (services.tls().isEmpty() || tlsActive()) {
      writeRaw(ServerMessages.SSL_REFUSED);
      return;
    }
    FrontendMessageDecoder decoder = context.pipeline().get(FrontendMessageDecoder.class);
    if (decoder != null && decoder.bufferedBytes() > 0) {
      steps.fatal(ErrorFields.fatal(ProtocolException.SQLSTATE, "received unencrypted data after SSL request"));
      return;
    }
    // startTls: the first write (our 'S') leaves unencrypted; the handshake follows.
    SslHandler tls = new SslHandler(services.tls().get().newEngine(context.alloc()), true);
    context.pipeline().addFirst("tls", tls);
    context.channel().attr(ClientSession.TLS_ACTIVE).set(Boolean.TRUE);
    writeRaw(ServerMessages.SSL_ACCEPTED);
  }

  private boolean tlsActive() {
    return Boolean.TRUE.equals(context.channel().attr(ClientSession.TLS_ACTIVE).get());
  }

  private void writeRaw(byte value) {
    context.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {value}));
  }

  private InetAddress clientInetAddress() {
    SocketAddress address = context.channel().remoteAddress();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress();
    }
    return InetAddress.getLoopbackAddress();
  }

  /** The client's address as logged and audited. */
  static String clientAddress(ChannelHandlerContext context) {
    SocketAddress address = context.channel().remoteAddress();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }

  private String clientAddress() {
    return clientAddress(context);
  }

  /** The search path of a startup packet's {@code search_path}, as the backend would read it. */
  static List<String> parseSearchPath(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_SEARCH_PATH;
    }
    List<String> schemas = new ArrayList<>();
    for (String part : value.split(",")) {
      String trimmed = part.trim();
      if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
        schemas.add(trimmed.substring(1, trimmed.length() - 1).replace("\"\"", "\""));
      } else if (!trimmed.isEmpty()) {
        schemas.add(trimmed.toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(schemas);
  }
}
