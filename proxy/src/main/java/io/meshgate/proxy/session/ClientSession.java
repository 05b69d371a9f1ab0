package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.audit.AuditEvent;
import io.meshgate.policy.Subject;
import io.meshgate.proxy.backend.BackendConnection;
import io.meshgate.proxy.backend.BackendListener;
import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.governance.SessionIdentity;
import io.meshgate.proxy.protocol.BackendFrame;
import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.proxy.protocol.FrontendMessage;
import io.meshgate.proxy.protocol.ProtocolException;
import io.meshgate.proxy.protocol.ServerMessages;
import io.meshgate.proxy.protocol.TransactionStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine of one client connection. Every method runs on the channel's event loop.
 * While something asynchronous is under way (password check, backend connect, a statement)
 * further client messages wait in {@code pending} and reading is paused, so one statement is
 * in flight at a time.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter implements BackendListener {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  private static final List<String> DEFAULT_SEARCH_PATH = List.of("$user", "public");

  private enum State {
    AWAITING_STARTUP,
    AWAITING_PASSWORD,
    AUTHENTICATING,
    CONNECTING_BACKEND,
    READY,
    BUSY,
    CLOSED
  }

  private final SessionServices services;
  private final String sessionId = UUID.randomUUID().toString();
  private final Deque<FrontendMessage> pending = new ArrayDeque<>();
  private ChannelHandlerContext context;
  private State state = State.AWAITING_STARTUP;
  private Map<String, String> startupParameters = Map.of();
  private SessionIdentity identity;
  private List<String> searchPath = DEFAULT_SEARCH_PATH;
  private BackendConnection backend;
  private CancelKeys.Registration cancelKey;
  private TransactionStatus transactionStatus = TransactionStatus.IDLE;
  private StatementExecution current;
  private ScheduledFuture<?> authenticationTimeout;

  public ClientSession(SessionServices services) {
    this.services = requireNonNull(services, "services is null");
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.context = ctx;
    services.metrics().sessionOpened();
    authenticationTimeout = ctx.executor().schedule(
        this::authenticationTimedOut, services.authenticationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    FrontendMessage frontendMessage = (FrontendMessage) message;
    if (state == State.AUTHENTICATING || state == State.CONNECTING_BACKEND || state == State.BUSY) {
      pending.add(frontendMessage);
      return;
    }
    handle(frontendMessage);
  }

  private void handle(FrontendMessage message) {
    switch (state) {
      case AWAITING_STARTUP -> handleStartupPhase(message);
      case AWAITING_PASSWORD -> handlePassword(message);
      case READY -> handleReady(message);
      case CLOSED -> {
        // Nothing more is read once the session is closing.
      }
      case AUTHENTICATING, CONNECTING_BACKEND, BUSY -> pending.add(message);
    }
  }

  private void handleStartupPhase(FrontendMessage message) {
    switch (message) {
      case FrontendMessage.SslRequest ssl -> writeRaw(ServerMessages.SSL_REFUSED);
      case FrontendMessage.GssEncRequest gss -> writeRaw(ServerMessages.SSL_REFUSED);
      case FrontendMessage.CancelRequest cancel -> {
        services.cancelKeys().find(cancel.processId(), cancel.secretKey())
            .ifPresent(registration -> registration.cancel().run());
        closeQuietly();
      }
      case FrontendMessage.StartupMessage startup -> {
        String user = startup.parameters().getOrDefault("user", "");
        if (user.isEmpty()) {
          fatal(ErrorFields.fatal("28000", "no PostgreSQL user name specified in startup packet"));
          return;
        }
        startupParameters = startup.parameters();
        searchPath = parseSearchPath(startupParameters.get("search_path"));
        state = State.AWAITING_PASSWORD;
        context.writeAndFlush(ServerMessages.authenticationCleartextPassword(context.alloc()));
      }
      default -> fatal(ErrorFields.fatal(ProtocolException.SQLSTATE, "expected a startup message"));
    }
  }

  private void handlePassword(FrontendMessage message) {
    if (!(message instanceof FrontendMessage.PasswordMessage passwordMessage)) {
      fatal(ErrorFields.fatal(ProtocolException.SQLSTATE, "expected a password message"));
      return;
    }
    byte[] payload = passwordMessage.payload();
    int length = payload.length > 0 && payload[payload.length - 1] == 0 ? payload.length - 1 : payload.length;
    String password = new String(payload, 0, length, StandardCharsets.UTF_8);
    Arrays.fill(payload, (byte) 0);
    String user = startupParameters.get("user");
    state = State.AUTHENTICATING;
    context.channel().config().setAutoRead(false);
    submit(() -> {
      Optional<Subject> subject = services.authenticator().authenticate(user, password);
      onLoop(() -> authenticated(user, subject));
    });
  }

  private void authenticated(String user, Optional<Subject> subject) {
    if (state == State.CLOSED) {
      return;
    }
    if (subject.isEmpty()) {
      services.metrics().authenticationFailed();
      LOG.info("authentication failed for user \"{}\" from {}", user, clientAddress());
      fatal(ErrorFields.fatal("28P01", "password authentication failed for user \"" + user + "\""));
      return;
    }
    identity = new SessionIdentity(sessionId, subject.get(), services.database(), clientAddress(),
        startupParameters.getOrDefault("application_name", ""));
    state = State.CONNECTING_BACKEND;
    services.backendConnector()
        .connect(context.channel().eventLoop(), BackendSessionParameters.forBackend(startupParameters, user))
        .whenComplete((connection, failure) -> onLoop(() -> backendReady(connection, failure)));
  }

  private void backendReady(BackendConnection connection, Throwable failure) {
    if (state == State.CLOSED) {
      if (connection != null) {
        connection.takeParameterStatusFrames().forEach(BackendFrame::release);
        connection.terminate();
      }
      return;
    }
    if (failure != null) {
      LOG.warn("session {}: backend connection failed: {}", sessionId, failure.getMessage());
      fatal(ErrorFields.fatal("08001", "Meshgate cannot connect to its backend database right now")
          .withHint("Try again later; operators: check the backend settings and /health/ready."));
      return;
    }
    backend = connection;
    backend.relayTo(this);
    if (authenticationTimeout != null) {
      authenticationTimeout.cancel(false);
    }
    cancelKey = services.cancelKeys().register(() -> onLoop(this::cancelBackendQuery));
    context.write(ServerMessages.authenticationOk(context.alloc()));
    for (BackendFrame frame : connection.takeParameterStatusFrames()) {
      context.write(frame.frame().retain());
      frame.release();
    }
    context.write(ServerMessages.backendKeyData(context.alloc(), cancelKey.processId(), cancelKey.secretKey()));
    transactionStatus = connection.initialStatus();
    becomeReady();
  }

  private void handleReady(FrontendMessage message) {
    switch (message) {
      case FrontendMessage.Query query -> startStatement(query.sql());
      case FrontendMessage.Terminate terminate -> closeQuietly();
      case FrontendMessage.Unsupported unsupported -> fatal(ErrorFields.fatal("0A000",
              "Meshgate does not support protocol message '" + unsupported.type() + "' yet (the extended query protocol)")
          .withHint("Use the simple query protocol, e.g. preferQueryMode=simple for pgjdbc."));
      default -> fatal(ErrorFields.fatal(ProtocolException.SQLSTATE, "unexpected message during a session"));
    }
  }

  private void startStatement(String sql) {
    long start = System.nanoTime();
    state = State.BUSY;
    context.channel().config().setAutoRead(false);
    if (sql.isBlank()) {
      context.write(emptyQueryResponse());
      becomeReady();
      return;
    }
    if (!services.auditSink().isHealthy()) {
      // Invariant 5: without an audit log there is no statement.
      services.metrics().auditFailed();
      services.metrics().statement("unknown", "refused_audit");
      context.write(ServerMessages.errorResponse(context.alloc(), ErrorFields.error("58030",
              "statement refused: the audit log cannot be written, and Meshgate does not run unaudited statements")
          .withHint("Operators: check the audit sink (disk, permissions) and /health/ready.")));
      becomeReady();
      return;
    }
    List<String> path = searchPath;
    submit(() -> {
      GovernedStatement governed = services.governor().govern(identity, sql, path);
      onLoop(() -> governed(governed, start));
    });
  }

  private void governed(GovernedStatement governed, long start) {
    if (state == State.CLOSED) {
      recordAudit(governed, start, null);
      return;
    }
    GovernedStatement.StageTimings timings = governed.timings();
    services.metrics().stage("parse", timings.parseNanos());
    if (timings.decideNanos() > 0) {
      services.metrics().stage("decide", timings.decideNanos());
    }
    if (timings.rewriteNanos() > 0) {
      services.metrics().stage("rewrite", timings.rewriteNanos());
    }
    if (governed.refusal().isPresent()) {
      context.write(ServerMessages.errorResponse(context.alloc(), governed.refusal().get()));
      finishStatement(governed, start, null);
      return;
    }
    if (backend == null || !backend.isActive()) {
      backendLost(null);
      return;
    }
    current = new StatementExecution(governed, start, System.nanoTime());
    backend.sendQuery(governed.forwardedSql().orElseThrow());
  }

  @Override
  public void onFrame(BackendFrame frame) {
    try {
      if (state == State.CLOSED) {
        return;
      }
      switch (frame.type()) {
        case 'D' -> {
          if (current != null) {
            current.dataRow(frame.size());
          }
          relay(frame);
        }
        case 'C' -> {
          if (current != null) {
            ByteBuf body = frame.body();
            current.commandComplete(body.toString(body.readerIndex(), Math.max(0, body.readableBytes() - 1),
                StandardCharsets.UTF_8));
          }
          relay(frame);
        }
        case 'E' -> {
          if (current != null) {
            ErrorFields error = ErrorFields.parse(frame.body());
            current.error(error.sqlState(), error.message());
          }
          relay(frame);
        }
        case 'Z' -> {
          transactionStatus = TransactionStatus.fromWire(frame.body().getByte(0));
          StatementExecution execution = current;
          current = null;
          if (execution != null) {
            services.metrics().stage("backend", System.nanoTime() - execution.forwardedNanos());
            finishStatement(execution.governed(), execution.startNanos(), execution);
          }
        }
        case 'K' -> {
          // The backend's key stays private: clients hold Meshgate's key instead.
        }
        default -> relay(frame);
      }
    } finally {
      frame.release();
    }
  }

  private void relay(BackendFrame frame) {
    context.write(frame.frame().retain());
    if (!context.channel().isWritable() && backend != null) {
      // Backpressure: stop reading from the backend until the client catches up.
      backend.setAutoRead(false);
    }
  }

  @Override
  public void onReadComplete() {
    if (state != State.CLOSED) {
      context.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && backend != null) {
      backend.setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void onClosed(Throwable cause) {
    if (state == State.CLOSED) {
      return;
    }
    backendLost(cause);
  }

  private void backendLost(Throwable cause) {
    LOG.warn("session {}: backend connection lost{}", sessionId, cause == null ? "" : ": " + cause.getMessage());
    StatementExecution execution = current;
    current = null;
    if (execution != null) {
      execution.error("08006", "backend connection lost");
      recordAudit(execution.governed(), execution.startNanos(), execution);
    }
    fatal(ErrorFields.fatal("08006", "the backend connection was lost; the session cannot continue")
        .withHint("Reconnect; if this persists, operators should check the backend database."));
  }

  /** Records the audit event, then (and only then) tells the client it may go on. */
  private void finishStatement(GovernedStatement governed, long start, StatementExecution execution) {
    recordAudit(governed, start, execution).whenComplete((ignored, failure) -> onLoop(() -> {
      if (failure != null) {
        services.metrics().auditFailed();
        context.write(ServerMessages.errorResponse(context.alloc(), ErrorFields.error("58030",
            "the statement ran but its audit event could not be written; no further statements will run until the audit log is back")));
      }
      becomeReady();
    }));
  }

  private java.util.concurrent.CompletableFuture<Void> recordAudit(
      GovernedStatement governed, long start, StatementExecution execution) {
    long durationNanos = System.nanoTime() - start;
    services.metrics().stage("total", durationNanos);
    services.metrics().statement(governed.kind(), governed.outcome().name().toLowerCase(java.util.Locale.ROOT));
    governed.relations().forEach(relation ->
        services.metrics().relationQueried(relation.relation().key(), governed.isForwarded() ? "allowed" : "denied"));
    if (governed.outcome() == GovernedStatement.Outcome.FAILED && governed.decision().isEmpty()
        && !governed.relations().isEmpty()) {
      services.metrics().policyEngineError();
    }
    try {
      AuditEvent event = AuditEvents.of(identity, governed, execution, durationNanos,
          services.clock().instant(), services.backendConnector().endpoint().displayName());
      return services.auditSink().append(event);
    } catch (RuntimeException e) {
      // An event the audit schema rejects is an audit failure like any other: never silent.
      LOG.error("session {}: cannot build or append the audit event", sessionId, e);
      return java.util.concurrent.CompletableFuture.failedFuture(e);
    }
  }

  private void becomeReady() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.READY;
    context.writeAndFlush(ServerMessages.readyForQuery(context.alloc(), transactionStatus));
    drainPending();
    if (state == State.READY) {
      context.channel().config().setAutoRead(true);
    }
  }

  private void drainPending() {
    while (state == State.READY && !pending.isEmpty()) {
      handle(pending.poll());
    }
    while (state == State.AWAITING_PASSWORD && !pending.isEmpty()) {
      handle(pending.poll());
    }
  }

  private void cancelBackendQuery() {
    if (current != null && backend != null) {
      current.markCancelled();
      InetSocketAddress address = new InetSocketAddress(
          backend.endpoint().host(), backend.endpoint().port());
      BackendCancel.send(context.channel().eventLoop(), address, backend.processId(), backend.secretKey());
    }
  }

  private void authenticationTimedOut() {
    if (state == State.AWAITING_STARTUP || state == State.AWAITING_PASSWORD || state == State.AUTHENTICATING) {
      fatal(ErrorFields.fatal("08006", "canceling authentication due to timeout"));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof ProtocolException protocolError) {
      LOG.info("session {}: protocol violation from {}: {}", sessionId, clientAddress(), protocolError.getMessage());
      fatal(ErrorFields.fatal(ProtocolException.SQLSTATE, "protocol violation: " + protocolError.getMessage()));
    } else {
      LOG.warn("session {}: closing after an unexpected error", sessionId, cause);
      fatal(ErrorFields.fatal("XX000", "internal error in Meshgate; the session was closed"));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (state != State.CLOSED && current != null) {
      // The client left mid-statement: stop the backend's work, and audit what happened.
      cancelBackendQuery();
      StatementExecution execution = current;
      current = null;
      execution.markCancelled();
      recordAudit(execution.governed(), execution.startNanos(), execution);
    }
    release();
    ctx.fireChannelInactive();
  }

  private void fatal(ErrorFields error) {
    if (state == State.CLOSED) {
      return;
    }
    Channel channel = context.channel();
    if (channel.isActive()) {
      channel.writeAndFlush(ServerMessages.errorResponse(context.alloc(), error))
          .addListener(ChannelFutureListener.CLOSE);
    }
    release();
  }

  private void closeQuietly() {
    release();
    context.close();
  }

  private void release() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    services.metrics().sessionClosed();
    if (authenticationTimeout != null) {
      authenticationTimeout.cancel(false);
    }
    if (cancelKey != null) {
      services.cancelKeys().unregister(cancelKey);
    }
    if (backend != null) {
      backend.terminate();
    }
    pending.clear();
  }

  private void writeRaw(byte value) {
    context.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {value}));
  }

  private ByteBuf emptyQueryResponse() {
    return context.alloc().buffer(5).writeByte('I').writeInt(4);
  }

  private void submit(Runnable task) {
    try {
      services.workers().execute(task);
    } catch (RejectedExecutionException e) {
      fatal(ErrorFields.fatal("53300", "Meshgate is shutting down or overloaded"));
    }
  }

  private void onLoop(Runnable task) {
    if (context.executor().inEventLoop()) {
      task.run();
    } else {
      context.executor().execute(task);
    }
  }

  private String clientAddress() {
    SocketAddress address = context.channel().remoteAddress();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }

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
        schemas.add(trimmed.toLowerCase(java.util.Locale.ROOT));
      }
    }
    return List.copyOf(schemas);
  }
}
