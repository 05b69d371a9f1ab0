package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.StatementKind;
import io.meshgate.proxy.backend.BackendConnection;
import io.meshgate.proxy.backend.BackendListener;
import io.meshgate.proxy.config.ConfigKeys;
import io.meshgate.proxy.governance.GovernedStatement;
import io.meshgate.proxy.governance.SchemaChanges;
import io.meshgate.proxy.governance.SessionIdentity;
import io.meshgate.proxy.governance.SimpleQueryStatements;
import io.meshgate.proxy.memory.MemoryReservation;
import io.meshgate.proxy.protocol.BackendFrame;
import io.meshgate.proxy.protocol.ErrorFields;
import io.meshgate.proxy.protocol.FrontendMessage;
import io.meshgate.proxy.protocol.FrontendMessageDecoder;
import io.meshgate.proxy.protocol.ProtocolException;
import io.meshgate.proxy.protocol.ServerMessages;
import io.meshgate.proxy.protocol.TransactionStatus;
import io.meshgate.rewriter.session.SearchPathStatements;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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
  /** invalid_cursor_name: what PostgreSQL says for a portal that does not exist. */
  private static final String PORTAL_INVALID = "34000";
  private static final String QUERY_CANCELED = "57014";
  /** Backend frames held behind a ReadyForQuery before the backend is read no further. */
  private static final long MAXIMUM_HELD_BYTES = 1L << 20;
  private static final String NOT_EXECUTED_IN_BATCH = "not executed: an earlier message of the same batch failed";
  /** Set on a channel once TLS is installed (SSLRequest or direct TLS). */
  public static final io.netty.util.AttributeKey<Boolean> TLS_ACTIVE = io.netty.util.AttributeKey.valueOf("meshgate.tls");

  private enum State {
    /** Before the client proved who it is: {@link SessionLogin} reads its messages. */
    LOGGING_IN,
    /** A password is being checked off the event loop; client messages wait. */
    AUTHENTICATING,
    CONNECTING_BACKEND,
    READY,
    /** A Query or Parse is being governed; client messages wait. */
    GOVERNING,
    /** A simple Query is at the backend; client messages wait for its ReadyForQuery. */
    SIMPLE_QUERY,
    CLOSED
  }

  private final SessionServices services;
  private final String sessionId = UUID.randomUUID().toString();
  private final PendingMessages pending = new PendingMessages();
  /** Whether {@link #becomeReady} is handling {@link #pending} further up the stack. */
  private boolean handlingPending;
  private ChannelHandlerContext context;
  private State state = State.LOGGING_IN;
  private Map<String, String> startupParameters = Map.of();
  private SessionIdentity identity;
  private SearchPathTracker searchPath = new SearchPathTracker(SessionLogin.DEFAULT_SEARCH_PATH);
  private BackendConnection backend;
  private CancelKeys.Registration cancelKey;
  private SessionLogin login;
  private TransactionStatus transactionStatus = TransactionStatus.IDLE;
  private ScheduledFuture<?> authenticationTimeout;
  /** What the backend still owes, in order (see {@link Expectation}). */
  private final Deque<Expectation> expectations = new ArrayDeque<>();
  private final SessionNames names = new SessionNames();
  /** Stage timings, counters and the audit event of each statement. */
  private final StatementRecorder recorder;
  /** Which backend transaction each statement ran in; its events wait here for their ReadyForQuery. */
  private final SessionTransactions transactions;
  /** Audit appends since the last ReadyForQuery; the next one waits for them. */
  private final List<CompletableFuture<Void>> batchAudits = new ArrayList<>();
  /**
   * Whether a statement of those was sent to the backend: only then does a failed event mean
   * that something ran unaudited, which the client is told after its results.
   */
  private boolean batchForwarded;
  /** Backend frames after a ReadyForQuery that waits for its audit events. */
  private final Deque<BackendFrame> held = new ArrayDeque<>();
  private long heldBytes;
  private boolean holdingReadyForQuery;
  private boolean discardUntilSync;
  // A CancelRequest came while a Query or Parse was being governed and nothing of the session
  // was in the backend: the statement is refused with 57014 instead of forwarded.
  private boolean cancelledWhileGoverning;
  /**
   * The backend is in copy-in mode (COPY FROM STDIN) and waits for this client's data: copy
   * messages go straight through, however the rest of the session waits.
   */
  private boolean clientCopying;
  private long refusalCounter;
  private final LargeMessageReservations reservations = new LargeMessageReservations(this::releaseAfterWrites);
  /** The session's DDL, so schema metadata forgets what it changed. */
  private final SchemaChanges schemaChanges;
  private final String sessionMarker = Long.toHexString(new java.security.SecureRandom().nextLong() & Long.MAX_VALUE);

  public ClientSession(SessionServices services) {
    this.services = requireNonNull(services, "services is null");
    this.schemaChanges = new SchemaChanges(services.governor());
    this.recorder = new StatementRecorder(services, sessionId);
    this.transactions = new SessionTransactions(services.maxHeldAuditEvents(), services.metrics()::auditEventsHeld);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.context = ctx;
    this.login = new SessionLogin(services, sessionId, ctx, new SessionLogin.Steps() {
      @Override
      public void fatal(ErrorFields error) {
        ClientSession.this.fatal(error);
      }

      @Override
      public void closeQuietly() {
        ClientSession.this.closeQuietly();
      }

      @Override
      public void checkingCredentials() {
        state = State.AUTHENTICATING;
        context.channel().config().setAutoRead(false);
      }

      @Override
      public void loggedIn(SessionLogin.LoggedIn login) {
        ClientSession.this.loggedIn(login);
      }

      @Override
      public boolean isClosed() {
        return state == State.CLOSED;
      }

      @Override
      public void submit(Runnable task) {
        ClientSession.this.submit(task);
      }

      @Override
      public void onLoop(Runnable task) {
        ClientSession.this.onLoop(task);
      }
    });
    services.metrics().sessionOpened();
    authenticationTimeout = ctx.executor().schedule(
        this::authenticationTimedOut, services.authenticationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    FrontendMessage frontendMessage = (FrontendMessage) message;
    if (clientCopying && state != State.CLOSED) {
      copyIn(frontendMessage);
      return;
    }
    if (frontendMessage instanceof FrontendMessage.CopyMessage stray
        && (state == State.READY || state == State.GOVERNING || state == State.SIMPLE_QUERY)) {
      // Outside copy mode PostgreSQL ignores them (a client still sending after the copy failed)
      stray.frame().release();
      return;
    }
    if (state == State.AUTHENTICATING || state == State.CONNECTING_BACKEND || state == State.GOVERNING
        || state == State.SIMPLE_QUERY) {
      hold(frontendMessage);
      return;
    }
    handle(frontendMessage);
  }

  private void handle(FrontendMessage message) {
    if (message instanceof FrontendMessage.Budgeted budgeted) {
      // handled as any other; its bytes go back to the budget once it has been written or dropped
      reservations.handle(budgeted.reservation(), () -> handle(budgeted.message()));
      return;
    }
    switch (state) {
      case LOGGING_IN -> login.handle(message);
      case READY -> handleReady(message);
      case CLOSED -> {
        // Nothing more is read once the session is closing.
        if (message instanceof FrontendMessage.Relayed relayed) {
          relayed.frame().release();
        }
      }
      case AUTHENTICATING, CONNECTING_BACKEND, GOVERNING, SIMPLE_QUERY -> hold(message);
    }
  }

  /**
   * Gives a large message's bytes back once what was written to the backend so far has left
   * (a relayed frame is held until then), or at once without a backend.
   */
  private void releaseAfterWrites(MemoryReservation reservation) {
    if (reservation == null) {
      return;
    }
    if (backend != null && backend.isActive()) {
      backend.afterWrites(reservation::release);
    } else {
      reservation.release();
    }
  }

  /** The message waits its turn; a client pipelining far ahead waits too, until becomeReady reads on. */
  private void hold(FrontendMessage message) {
    pending.add(message);
    if (pending.isFull()) {
      context.channel().config().setAutoRead(false);
    }
  }

  /** The client proved who it is: connect its backend. */
  private void loggedIn(SessionLogin.LoggedIn login) {
    if (state == State.CLOSED) {
      return;
    }
    startupParameters = login.startupParameters();
    searchPath = new SearchPathTracker(login.searchPath());
    identity = new SessionIdentity(sessionId, login.subject(), services.database(), clientAddress(),
        startupParameters.getOrDefault("application_name", ""));
    state = State.CONNECTING_BACKEND;
    services.backendConnector()
        .connect(context.channel().eventLoop(), BackendSessionParameters.forBackend(startupParameters, login.user()))
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
    List<BackendFrame> parameterStatus = connection.takeParameterStatusFrames();
    Optional<ErrorFields> unsafe = parameterStatus.stream()
        .flatMap(frame -> BackendReading.violation(frame.body()).stream()).findFirst();
    if (unsafe.isPresent()) {
      LOG.error("session {}: {}", sessionId, unsafe.get().message());
      parameterStatus.forEach(BackendFrame::release);
      connection.terminate();
      fatal(unsafe.get());
      return;
    }
    backend = connection;
    backend.relayTo(this);
    FrontendMessageDecoder decoder = context.pipeline().get(FrontendMessageDecoder.class);
    if (decoder != null) {
      decoder.authenticated();
    }
    if (authenticationTimeout != null) {
      authenticationTimeout.cancel(false);
    }
    cancelKey = services.cancelKeys().register(() -> onLoop(this::cancelRequested));
    context.write(ServerMessages.authenticationOk(context.alloc()));
    for (BackendFrame frame : parameterStatus) {
      context.write(frame.frame().retain());
      frame.release();
    }
    context.write(ServerMessages.backendKeyData(context.alloc(), cancelKey.processId(), cancelKey.secretKey()));
    transactionStatus = connection.initialStatus();
    context.writeAndFlush(ServerMessages.readyForQuery(context.alloc(), transactionStatus));
    becomeReady();
  }

  private void handleReady(FrontendMessage message) {
    switch (message) {
      case FrontendMessage.Query query -> startQuery(query.sql());
      case FrontendMessage.Parse parse -> startParse(parse);
      case FrontendMessage.Relayed relayed -> relay(relayed);
      case FrontendMessage.Terminate terminate -> {
        // Sent with statements under way by clients that give up on them (pgx when a context
        // ends): the same as leaving, which cancels and audits them.
        clientLeft();
        context.close();
      }
      case FrontendMessage.FunctionCall call -> refuseFunctionCall(call);
      case FrontendMessage.OverBudget tooLarge -> refuseOverBudget(tooLarge);
      case FrontendMessage.Unsupported unsupported -> fatal(ErrorFields.fatal(ProtocolException.SQLSTATE,
          "Meshgate does not support protocol message '" + unsupported.type() + "' here"));
      default -> fatal(ErrorFields.fatal(ProtocolException.SQLSTATE, "unexpected message during a session"));
    }
  }

  // ---- client messages -------------------------------------------------------------------

  private void startQuery(String sql) {
    if (discardUntilSync) {
      // After an error in the extended protocol PostgreSQL ignores a Query too, up to Sync,
      // and never answers it: forwarded, the session would wait for its answer forever.
      return;
    }
    long start = System.nanoTime();
    // Reading goes on (messages queue in `pending`) so a client that leaves is noticed at
    // once and its backend query cancelled; see hold for the bound.
    state = State.GOVERNING;
    cancelledWhileGoverning = false;
    governAll(sql, start, reservations.governing(governedStatements -> {
      if (discardUntilSync) {
        // The backend failed an earlier message meanwhile: it ignores this Query, and so does Meshgate.
        becomeReady();
        return;
      }
      SimpleQueryStatements.Message message = SimpleQueryStatements.wholeOrNothing(
          names.checkExecutes(governedStatements.stream().map(this::cancelledIfRequested).toList()));
      List<StatementExecution> executions = new ArrayList<>();
      Optional<Expectation.Refusal> refusal = message.refusal().map(this::refusalPlaceholder);
      if (refusal.isPresent()) {
        message.statements().forEach(governed -> transactions.sent(governed, start, null));
        backend.sendQuery(refusal.get().marker());
      } else {
        long forwarded = System.nanoTime();
        message.statements().forEach(governed -> executions.add(new StatementExecution(governed, start, forwarded)));
        executions.forEach(execution -> transactions.sent(execution.governed(), start, execution));
        backend.sendQuery(SimpleQueryStatements.joined(message.statements()));
        message.statements().forEach(this::followSearchPath);
      }
      transactions.cycleSent();
      expectations.add(new Expectation.SimpleQueryResponse(new SimpleQueryExecutions(executions), refusal));
      // Reading resumes when the backend's ReadyForQuery has been passed on.
      state = State.SIMPLE_QUERY;
    }));
  }

  private void startParse(FrontendMessage.Parse parse) {
    if (discardUntilSync) {
      return;
    }
    long start = System.nanoTime();
    state = State.GOVERNING;
    cancelledWhileGoverning = false;
    govern(parse.sql(), start, reservations.governing(parsed -> {
      if (discardUntilSync) {
        // The backend failed an earlier message meanwhile: it skips this Parse, and so does Meshgate.
        becomeReady();
        return;
      }
      GovernedStatement governed = names.checkExecute(cancelledIfRequested(parsed));
      if (governed.refusal().isPresent()) {
        Expectation.Refusal refusal = refusalPlaceholder(governed.refusal().get());
        transactions.sent(governed, start, null);
        backend.writeParse(parse.statementName(), refusal.marker(), List.of());
        expectations.add(new Expectation.ParseResponse(Optional.of(refusal), parse.statementName(),
            names.parseRefused(parse.statementName())));
        // Like PostgreSQL after an error: everything up to Sync is skipped.
        discardUntilSync = true;
      } else {
        backend.writeParse(parse.statementName(), governed.forwardedSql().orElseThrow(), parse.parameterTypes());
        expectations.add(new Expectation.ParseResponse(Optional.empty(), parse.statementName(),
            names.parsed(parse.statementName(), governed)));
      }
      becomeReady();
    }));
  }

  private void relay(FrontendMessage.Relayed message) {
    if (discardUntilSync && !(message instanceof FrontendMessage.Sync)) {
      message.frame().release();
      return;
    }
    if (message instanceof FrontendMessage.Execute execute && !names.isBound(execute.portalName())) {
      refuseExecute(execute);
      return;
    }
    switch (message) {
      case FrontendMessage.Bind bind -> {
        Optional<GovernedStatement> named = names.statement(bind.statementName());
        if (named.isEmpty()) {
          // Not a statement Meshgate governed: refused rather than run unaudited.
          bind.frame().release();
          refuseBind(bind.portalName(), bind.statementName(), SessionNames.missing(bind.statementName()));
          return;
        }
        GovernedStatement prepared = named.get();
        if (!prepared.policyRevision().equals(services.governor().policyRevision())) {
          bind.frame().release();
          refuseBind(bind.portalName(), bind.statementName(), SessionNames.stale(bind.statementName()));
          return;
        }
        Optional<ErrorFields> noAudit = auditRefusal();
        if (noAudit.isPresent()) {
          bind.frame().release();
          refuseBind(bind.portalName(), bind.statementName(), noAudit.get());
          return;
        }
        names.bound(bind.portalName(), prepared);
        expectations.add(new Expectation.BindResponse(bind.portalName(), Optional.empty()));
      }
      case FrontendMessage.Execute execute -> {
        GovernedStatement governed = names.portal(execute.portalName()).orElseThrow(); // bound: checked above
        Optional<ErrorFields> noAudit = auditRefusal();
        if (noAudit.isPresent()) {
          // A portal bound before the audit log failed (a cursor fetched in parts) runs no further.
          transactions.sent(governed.refusedWith(noAudit.get(), GovernedStatement.Outcome.FAILED),
              System.nanoTime(), null);
          execute.frame().release();
          refuseAtBackend(noAudit.get());
          return;
        }
        followSearchPath(governed);
        long now = System.nanoTime();
        StatementExecution execution = new StatementExecution(governed, now, now);
        transactions.sent(governed, now, execution);
        expectations.add(new Expectation.ExecuteResponse(execution));
      }
      case FrontendMessage.Describe describe -> expectations.add(new Expectation.DescribeResponse(describe.target() == 'S'));
      case FrontendMessage.Close close -> {
        if (close.target() == 'S') {
          names.statementClosed(close.name());
        } else {
          names.portalClosed(close.name());
        }
        expectations.add(new Expectation.CloseResponse());
      }
      case FrontendMessage.Sync sync -> {
        discardUntilSync = false;
        expectations.add(new Expectation.SyncResponse());
        transactions.cycleSent();
      }
      case FrontendMessage.Flush flush -> {
        // Nothing to expect: the backend just sends what it has.
      }
      case FrontendMessage.CopyMessage stray -> {
        // outside copy mode the backend would ignore it
        stray.frame().release();
        return;
      }
    }
    backend.write(message.frame());
    if (message instanceof FrontendMessage.Sync || message instanceof FrontendMessage.Flush) {
      backend.flush();
    }
    if (!backend.isWritable()) {
      // Backpressure: a client pipelining faster than the backend takes it waits.
      context.channel().config().setAutoRead(false);
    }
  }

  /**
   * COPY FROM STDIN: the client's data goes to the backend as it comes, flushed at the end of
   * each read, with backpressure from the backend. Sync and Flush are passed on too: PostgreSQL
   * ignores them during copy-in. Anything else makes PostgreSQL abort the copy; Meshgate aborts
   * it with a CopyFail that says why, and keeps the message for after the COPY's
   * ReadyForQuery.
   */
  private void copyIn(FrontendMessage message) {
    if (message instanceof FrontendMessage.Budgeted budgeted && isCopyTraffic(budgeted.message())) {
      copyIn(budgeted.message());
      releaseAfterWrites(budgeted.reservation());
      return;
    }
    switch (message) {
      case FrontendMessage.CopyData data -> backend.write(data.frame());
      case FrontendMessage.CopyDone done -> {
        clientCopying = false;
        backend.write(done.frame());
        backend.flush();
      }
      case FrontendMessage.CopyFail fail -> {
        clientCopying = false;
        backend.write(fail.frame());
        backend.flush();
      }
      case FrontendMessage.Sync sync -> backend.write(sync.frame());
      case FrontendMessage.Flush flush -> backend.write(flush.frame());
      case FrontendMessage.OverBudget tooLarge when "dcf".indexOf(tooLarge.type()) >= 0 -> {
        abortCopyOverBudget(tooLarge);
        return;
      }
      default -> {
        clientCopying = false;
        backend.writeCopyFail("the client sent another message before ending COPY FROM STDIN");
        backend.flush();
        hold(message);
        return;
      }
    }
    if (!backend.isWritable()) {
      context.channel().config().setAutoRead(false);
    }
  }

  private static boolean isCopyTraffic(FrontendMessage message) {
    return message instanceof FrontendMessage.CopyMessage || message instanceof FrontendMessage.Sync
        || message instanceof FrontendMessage.Flush;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (clientCopying && backend != null) {
      backend.flush();
    }
    ctx.fireChannelReadComplete();
  }

  /** A forwarded utility statement may change what later statements' table names mean. */
  private void followSearchPath(GovernedStatement governed) {
    if (StatementKind.UTILITY.wireName().equals(governed.kind())) {
      governed.forwardedSql().flatMap(SearchPathStatements::changeOf).ifPresent(searchPath::forwarded);
    }
  }

  /** Invariant 5: the refused call is audited like any refused statement, then the session ends. */
  private void refuseFunctionCall(FrontendMessage.FunctionCall call) {
    ErrorFields error = ErrorFields.fatal("42501", "fastpath function calls are not allowed through Meshgate:"
            + " they would run functions without a policy decision (function OID " + call.functionOid() + ")")
        .withHint("Call the function in a SQL statement, e.g. SELECT f(...), which policies govern.");
    recordAudit(refusedMessage(error), System.nanoTime(), null);
    fatal(error);
  }

  /** A Bind Meshgate will not let run ({@link #refuseAtBackend}). */
  private void refuseBind(String portalName, String statementName, ErrorFields error) {
    // Invariant 5: refused, so audited, with the statement the client named when there is one.
    GovernedStatement refused = names.statement(statementName)
        .map(named -> named.refusedWith(error, GovernedStatement.Outcome.FAILED))
        .orElseGet(() -> refusedMessage(error));
    transactions.sent(refused, System.nanoTime(), null);
    refuseAtBackend(error);
    names.portalClosed(portalName);
  }

  /**
   * A large message the memory budget had no room for, skipped unread. Where the protocol lets
   * the session go on it is refused (53200) as PostgreSQL refuses a statement it ran out of
   * memory for, through the backend like any refusal (the transaction aborts, the extended
   * protocol skips to Sync), and audited; otherwise (Sync, Flush, a fastpath call…: nothing
   * could stand in for it and keep client and backend in step) the session ends.
   */
  private void refuseOverBudget(FrontendMessage.OverBudget tooLarge) {
    ErrorFields error = overBudgetError(tooLarge);
    switch (tooLarge.type()) {
      case 'Q' -> {
        if (discardUntilSync) {
          return; // ignored after an extended-protocol error, as startQuery ignores it
        }
        transactions.sent(refusedMessage(error), System.nanoTime(), null);
        Expectation.Refusal refusal = refusalPlaceholder(error);
        backend.sendQuery(refusal.marker());
        transactions.cycleSent();
        expectations.add(new Expectation.SimpleQueryResponse(new SimpleQueryExecutions(List.of()), Optional.of(refusal)));
        state = State.SIMPLE_QUERY;
      }
      case 'P', 'B', 'E', 'D', 'C' -> {
        if (discardUntilSync) {
          return;
        }
        List<String> leadingNames = tooLarge.leadingNames();
        if (tooLarge.type() == 'B' && leadingNames.size() == 2) {
          refuseBind(leadingNames.get(0), leadingNames.get(1), error);
        } else {
          transactions.sent(refusedMessage(error), System.nanoTime(), null);
          refuseAtBackend(error);
        }
      }
      case 'd', 'c', 'f' -> {
        // Outside copy mode PostgreSQL ignores copy messages; so does Meshgate.
      }
      default -> {
        ErrorFields fatalError = ErrorFields.fatal(error.sqlState(), error.message()).withHint(OVER_BUDGET_HINT);
        if (tooLarge.type() == 'F') {
          recordAudit(refusedMessage(fatalError), System.nanoTime(), null);
        }
        fatal(fatalError);
      }
    }
  }

  private static final String OVER_BUDGET_HINT = "Retry when fewer large statements are under way, or send smaller"
      + " messages; operators: raise " + ConfigKeys.MESSAGE_BUDGET_BYTES.key() + " (with the JVM's memory) or lower "
      + ConfigKeys.MAX_MESSAGE_BYTES.key() + ".";

  private static ErrorFields overBudgetError(FrontendMessage.OverBudget tooLarge) {
    return ErrorFields.error("53200", "out of memory: Meshgate did not read a message of " + tooLarge.frameBytes()
            + " bytes, because large client messages already hold all of " + ConfigKeys.MESSAGE_BUDGET_BYTES.key()
            + "; nothing of it was run")
        .withHint(OVER_BUDGET_HINT);
  }

  /**
   * Large copy data the budget had no room for: the copy is aborted (a CopyFail, as if the
   * client had sent one) and the client told why with 53200 instead of the backend's error.
   */
  private void abortCopyOverBudget(FrontendMessage.OverBudget tooLarge) {
    clientCopying = false;
    ErrorFields error = overBudgetError(tooLarge);
    Expectation.Refusal refusal = refusalPlaceholder(error);
    if (expectations.peek() instanceof Expectation.SimpleQueryResponse copy) {
      copy.executions().failed(error.sqlState(), error.message());
      expectations.poll();
      expectations.addFirst(new Expectation.SimpleQueryResponse(copy.executions(), Optional.of(refusal)));
    }
    backend.writeCopyFail(refusal.marker());
    backend.flush();
  }

  /**
   * An Execute of a portal no Bind through Meshgate created: a cursor declared with DECLARE
   * (the backend would run it, and its rows would leave with no audit event: FETCH is the
   * governed way to read a cursor), or a portal that does not exist (the backend would refuse
   * it anyway). Refused, and audited as refused.
   */
  private void refuseExecute(FrontendMessage.Execute execute) {
    execute.frame().release();
    ErrorFields error = ErrorFields.error(PORTAL_INVALID, "portal \"" + execute.portalName()
            + "\" was not created by a Bind through Meshgate; nothing was executed")
        .withHint("Bind a prepared statement to the portal first; read a cursor declared with DECLARE with FETCH.");
    transactions.sent(refusedMessage(error), System.nanoTime(), null);
    refuseAtBackend(error);
  }

  /**
   * The backend gets a Bind of a statement that does not exist, named with a refusal marker,
   * so it fails and skips to Sync as for any error, and the error is swapped for Meshgate's.
   */
  private void refuseAtBackend(ErrorFields error) {
    Expectation.Refusal refusal = refusalPlaceholder(error);
    backend.writeBind(refusal.marker(), refusal.marker());
    expectations.add(new Expectation.BindResponse(refusal.marker(), Optional.of(refusal)));
    discardUntilSync = true;
  }

  /** A protocol message refused before it named any SQL: its audit event has none. */
  private GovernedStatement refusedMessage(ErrorFields error) {
    return new GovernedStatement("", Optional.empty(), Optional.of(error), GovernedStatement.Outcome.FAILED,
        "unknown", List.of(), Optional.empty(), services.governor().policyRevision(),
        new GovernedStatement.StageTimings(0, 0, 0));
  }

  /**
   * Governs from the caches right here when they hold everything (nothing blocks: {@code
   * StatementGovernor.governIfCached}), otherwise off the event loop; then continues on the
   * loop with the session still open.
   */
  private void govern(String sql, long start, java.util.function.Consumer<GovernedStatement> then) {
    Optional<ErrorFields> noAudit = auditRefusal();
    if (noAudit.isPresent()) {
      then.accept(unauditable(sql, noAudit.get()));
      return;
    }
    List<String> path = searchPath.forAnalysis();
    // Read on the loop: a ParameterStatus may replace the identity while the worker runs.
    SessionIdentity governedAs = identity;
    java.util.function.Consumer<GovernedStatement> resume = governed -> {
      if (state == State.CLOSED) {
        recordAudit(governed, start, null);
        return;
      }
      if (backend == null || !backend.isActive()) {
        recordAudit(governed, start, null);
        backendLost(null);
        return;
      }
      recordStageTimings(governed);
      then.accept(governed);
    };
    Optional<GovernedStatement> cached = services.governor().governIfCached(governedAs, sql, path);
    if (cached.isPresent()) {
      services.metrics().governedOnEventLoop();
      resume.accept(cached.get());
      return;
    }
    services.metrics().governedOnWorker();
    submit(() -> {
      GovernedStatement governed = services.governor().govern(governedAs, sql, path);
      onLoop(() -> resume.accept(governed));
    });
  }

  /** {@link #govern} for the statements of a simple Query message. */
  private void governAll(String sql, long start, java.util.function.Consumer<List<GovernedStatement>> then) {
    Optional<ErrorFields> noAudit = auditRefusal();
    if (noAudit.isPresent()) {
      then.accept(List.of(unauditable(sql, noAudit.get())));
      return;
    }
    List<String> path = searchPath.forAnalysis();
    List<String> resetPath = searchPath.resetValue();
    SessionIdentity governedAs = identity;
    java.util.function.Consumer<List<GovernedStatement>> resume = governed -> {
      if (state == State.CLOSED || backend == null || !backend.isActive()) {
        governed.forEach(statement -> recordAudit(statement, start, null));
        if (state != State.CLOSED) {
          backendLost(null);
        }
        return;
      }
      governed.forEach(this::recordStageTimings);
      then.accept(governed);
    };
    Optional<List<GovernedStatement>> cached = services.governor().governQueryIfCached(governedAs, sql, path, resetPath);
    if (cached.isPresent()) {
      services.metrics().governedOnEventLoop();
      resume.accept(cached.get());
      return;
    }
    services.metrics().governedOnWorker();
    submit(() -> {
      List<GovernedStatement> governed = services.governor().governQuery(governedAs, sql, path, resetPath);
      onLoop(() -> resume.accept(governed));
    });
  }

  /**
   * Invariant 5: without an audit log there is no statement. Asked before each statement starts
   * (a Query, a Parse, and each Bind and Execute of a prepared statement, which run without a
   * new Parse): once one has run, its event is always accepted (never dropped for room).
   * Empty when statements may start; otherwise the error that refuses them.
   */
  private Optional<ErrorFields> auditRefusal() {
    if (services.auditSink().acceptsNewStatements() || services.serveWithoutAudit()) {
      return Optional.empty();
    }
    services.metrics().auditFailed();
    return Optional.of(services.auditSink().isHealthy()
        ? ErrorFields.error("53000", "statement refused: the audit log is falling behind, and Meshgate does not run"
            + " statements it could not audit").withHint("Retry shortly; operators: see meshgate_audit_queue_depth.")
        : ErrorFields.error("58030",
            "statement refused: the audit log cannot be written, and Meshgate does not run unaudited statements")
            .withHint("Operators: check the audit sink (disk, permissions) and /health/ready."));
  }

  private static GovernedStatement unauditable(String sql, ErrorFields error) {
    return new GovernedStatement(sql, Optional.empty(), Optional.of(error),
        GovernedStatement.Outcome.FAILED, "unknown", List.of(), Optional.empty(), "unknown",
        new GovernedStatement.StageTimings(0, 0, 0));
  }

  private Expectation.Refusal refusalPlaceholder(ErrorFields error) {
    return new Expectation.Refusal("meshgate_refused_" + (++refusalCounter) + "_" + sessionMarker, error);
  }

  private void recordStageTimings(GovernedStatement governed) {
    recorder.governed(governed);
  }

  // ---- backend responses -------------------------------------------------------------------

  @Override
  public void onFrame(BackendFrame frame) {
    if (state == State.CLOSED) {
      frame.release();
      return;
    }
    if (holdingReadyForQuery) {
      // A ReadyForQuery waits for its audit events; nothing may overtake it. A pipelined
      // statement's rows wait too, but not without bound: if the audit log stalls, the backend
      // waits for Meshgate rather than Meshgate's memory filling with its rows.
      held.add(frame);
      heldBytes += frame.size();
      if (heldBytes >= MAXIMUM_HELD_BYTES) {
        backend.setAutoRead(false);
      }
      return;
    }
    try {
      handleBackendFrame(frame);
    } finally {
      frame.release();
    }
  }

  private void handleBackendFrame(BackendFrame frame) {
    Expectation head = expectations.peek();
    switch (frame.type()) {
      case 'Z' -> {
        if (expectations.size() <= 1 && TransactionStatus.fromWire(frame.body().getByte(0)) == TransactionStatus.IDLE) {
          // No transaction, and nothing forwarded after what this answers: every portal a Bind
          // created is gone at the backend, and its name free for a cursor (DECLARE).
          names.portalsEnded();
        }
        readyForQuery(frame);
      }
      case 'E' -> backendError(frame, head);
      case 'K' -> {
        // The backend's key stays private: clients hold Meshgate's key instead.
      }
      case 'S' -> {
        Optional<ErrorFields> unsafe = BackendReading.violation(frame.body());
        if (unsafe.isPresent()) {
          // However it came about: the backend would read the next statements otherwise.
          LOG.error("session {}: {}", sessionId, unsafe.get().message());
          auditUnfinished("08006", "the session ended: " + unsafe.get().message());
          fatal(unsafe.get());
          return;
        }
        // The audit log follows the client's application_name however it sets it.
        identity = ReportedApplicationName.follow(identity, frame.body());
        write(frame);
      }
      case 'N', 'A' -> write(frame);
      case 'G' -> {
        // CopyInResponse: the client's copy data may come now
        clientCopying = true;
        if (head instanceof Expectation.ExecuteResponse execute) {
          transactions.syncsIgnoredInCopy(execute.execution(), forgetSyncsSentIntoCopyIn());
        }
        write(frame);
      }
      case '1', '2', '3', 'n' -> {
        expectations.poll();
        write(frame);
      }
      case 'T' -> {
        if (head instanceof Expectation.DescribeResponse) {
          expectations.poll();
        }
        write(frame);
      }
      case 'D' -> {
        if (head != null) {
          Expectation.executionOf(head).ifPresent(execution -> execution.dataRow(frame.size()));
        }
        write(frame);
      }
      case 'C', 'I', 's' -> {
        if (frame.type() == 'C' && searchPath.needsCommandTags()) {
          searchPath.commandComplete(commandTag(frame));
        }
        if (head instanceof Expectation.ExecuteResponse execute) {
          expectations.poll();
          StatementExecution execution = execute.execution();
          if (frame.type() == 'C') {
            execution(execution, frame);
            names.succeeded(execution.governed());
            schemaChanges.completed(execution.governed());
          }
          long now = System.nanoTime();
          services.metrics().stage("backend", now - execution.forwardedNanos());
          // its event is written at the ReadyForQuery, which tells how its transaction ended,
          // unless so many wait that they are written now
          execution.answered(now);
          if (transactions.answered()) {
            writeHeldEventsEarly();
          }
        } else if (head instanceof Expectation.SimpleQueryResponse query && frame.type() != 's') {
          SimpleQueryExecutions executions = query.executions();
          executions.current().ifPresent(execution -> {
            if (frame.type() == 'C') {
              execution(execution, frame);
              names.succeeded(execution.governed());
              schemaChanges.completed(execution.governed());
            }
          });
          executions.completed();
        }
        write(frame);
      }
      default -> write(frame);
    }
  }

  /**
   * COPY FROM STDIN of the extended protocol (tokio-postgres sends Bind, Execute and Sync, then
   * the data): PostgreSQL ignores every Sync it reads in copy-in mode, so the Syncs the client
   * sent behind the Execute, forwarded before this CopyInResponse arrived, get no ReadyForQuery.
   * Those that come during the copy are passed on without an expectation ({@link #copyIn}); the
   * first Sync after CopyDone or CopyFail, or after the first other message (which ends the copy
   * with an error), is answered again.
   */
  private int forgetSyncsSentIntoCopyIn() {
    Iterator<Expectation> queued = expectations.iterator();
    queued.next(); // the Execute that started the copy
    int forgotten = 0;
    while (queued.hasNext() && queued.next() instanceof Expectation.SyncResponse) {
      queued.remove();
      forgotten++;
    }
    return forgotten;
  }

  private static void execution(StatementExecution execution, BackendFrame commandComplete) {
    execution.commandComplete(commandTag(commandComplete));
  }

  private static String commandTag(BackendFrame commandComplete) {
    ByteBuf body = commandComplete.body();
    return body.toString(body.readerIndex(), Math.max(0, body.readableBytes() - 1), StandardCharsets.UTF_8);
  }

  private void backendError(BackendFrame frame, Expectation head) {
    searchPath.failed();
    // whatever the error belongs to (a deferred constraint fails at the Sync, after its
    // statement completed), it aborts the transaction under way
    transactions.errorSeen();
    // an error ends copy-in mode; copy data still arriving is ignored, as PostgreSQL does
    clientCopying = false;
    ErrorFields error = ErrorFields.parse(frame.body());
    Optional<Expectation.Refusal> refusal = switch (head) {
      case Expectation.ParseResponse parse -> parse.refusal();
      case Expectation.BindResponse bind -> bind.refusal();
      case Expectation.SimpleQueryResponse query -> query.refusal();
      case null, default -> Optional.empty();
    };
    Optional<StatementExecution> running = head == null ? Optional.empty() : Expectation.executionOf(head);
    running.ifPresent(execution -> execution.answered(System.nanoTime()));
    // A write's row filter check failing is shown as the refusal it stands for.
    ErrorFields shown = running.map(execution -> execution.governed().clientError(error)).orElse(error);
    boolean deniedByPolicy = running.map(execution -> execution.governed().isRowFilterViolation(error)).orElse(false);
    if (head instanceof Expectation.ParseResponse parse && refusal.isEmpty()) {
      // The backend kept what the name meant before (e.g. "already exists"): so does Meshgate.
      names.parseUndone(parse.statementName(), parse.replaced());
    }
    if (refusal.isPresent() && error.message().contains(refusal.get().marker())) {
      context.write(ServerMessages.errorResponse(context.alloc(), refusal.get().error()), context.voidPromise());
    } else {
      if (head instanceof Expectation.SimpleQueryResponse query) {
        query.executions().failed(shown.sqlState(), shown.message(), deniedByPolicy);
      } else {
        running.ifPresent(execution -> execution.error(shown.sqlState(), shown.message(), deniedByPolicy));
      }
      if (shown != error) {
        context.write(ServerMessages.errorResponse(context.alloc(), shown), context.voidPromise());
      } else {
        write(frame);
      }
    }
    if (head instanceof Expectation.SimpleQueryResponse) {
      return; // the simple query ends at its ReadyForQuery
    }
    // Extended protocol: the backend skips everything up to Sync; so do the expectations.
    Deque<Expectation.ParseResponse> skippedParses = new ArrayDeque<>();
    boolean skippedQuery = false;
    while (!expectations.isEmpty() && !(expectations.peek() instanceof Expectation.SyncResponse)) {
      Expectation skipped = expectations.poll();
      if (skipped instanceof Expectation.ExecuteResponse execute) {
        StatementExecution execution = execute.execution();
        execution.error(error.sqlState(), execution == Expectation.executionOf(head).orElse(null)
            ? error.message()
            : NOT_EXECUTED_IN_BATCH);
        execution.answered(System.nanoTime());
      } else if (skipped instanceof Expectation.ParseResponse parse && skipped != head) {
        skippedParses.push(parse);
      } else if (skipped instanceof Expectation.BindResponse bind) {
        // A Bind that failed, or that the backend skipped, created no portal.
        names.portalClosed(bind.portalName());
      } else if (skipped instanceof Expectation.SimpleQueryResponse query) {
        // A Query forwarded before the error was known: PostgreSQL ignores it, never answers it.
        query.executions().failed(error.sqlState(), NOT_EXECUTED_IN_BATCH);
        long now = System.nanoTime();
        query.executions().all().forEach(execution -> execution.answered(now));
        transactions.querySkipped();
        skippedQuery = true;
      }
    }
    // The backend never saw the Parses it skipped: their names keep what they meant (the last
    // one first, so a name parsed twice gets back its meaning from before both).
    skippedParses.forEach(parse -> names.parseUndone(parse.statementName(), parse.replaced()));
    if (head != null && expectations.isEmpty()) {
      // The client's Sync is still to come, and until it does the backend ignores what the
      // client sends: Meshgate does not forward it either, so nothing it tracks changes.
      discardUntilSync = true;
    }
    if (skippedQuery && state == State.SIMPLE_QUERY) {
      becomeReady();
    }
  }

  private void readyForQuery(BackendFrame frame) {
    transactionStatus = TransactionStatus.fromWire(frame.body().getByte(0));
    searchPath.readyForQuery(transactionStatus);
    schemaChanges.readyForQuery(transactionStatus == TransactionStatus.IDLE);
    Expectation head = expectations.poll();
    if (head instanceof Expectation.SimpleQueryResponse query) {
      for (StatementExecution execution : query.executions().all()) {
        services.metrics().stage("backend", System.nanoTime() - execution.forwardedNanos());
      }
    }
    for (SessionTransactions.Recorded answered : transactions.readyForQuery(transactionStatus)) {
      batchAudits.add(recordAudit(answered));
    }
    boolean endsSimpleQuery = head instanceof Expectation.SimpleQueryResponse;
    List<CompletableFuture<Void>> audits = List.copyOf(batchAudits);
    batchAudits.clear();
    boolean forwarded = batchForwarded;
    batchForwarded = false;
    ByteBuf readyForQuery = frame.frame().retainedDuplicate();
    if (audits.stream().allMatch(future -> future.isDone() && !future.isCompletedExceptionally())) {
      passReadyForQuery(readyForQuery, false, false, endsSimpleQuery);
      return;
    }
    holdingReadyForQuery = true;
    // A prepared statement's Sync usually waits for one event: no allOf for it.
    CompletableFuture<?> durable = audits.size() == 1
        ? audits.get(0)
        : CompletableFuture.allOf(audits.toArray(CompletableFuture[]::new));
    durable.whenComplete((ignored, failure) -> onLoop(() -> {
      holdingReadyForQuery = false;
      if (state == State.CLOSED) {
        readyForQuery.release();
        return;
      }
      passReadyForQuery(readyForQuery, failure != null, forwarded, endsSimpleQuery);
      while (!holdingReadyForQuery && !held.isEmpty() && state != State.CLOSED) {
        BackendFrame next = held.poll();
        heldBytes -= next.size();
        try {
          handleBackendFrame(next);
        } finally {
          next.release();
        }
      }
      context.flush();
      if (!holdingReadyForQuery && state != State.CLOSED && context.channel().isWritable()) {
        backend.setAutoRead(true);
      }
    }));
  }

  /**
   * Events of a long batch written before its Sync, their transaction {@code open}: the
   * ReadyForQuery still waits for them (invariant 5), through one future per write, and the
   * futures of writes already done are let go, so what the session holds stays bounded.
   */
  private void writeHeldEventsEarly() {
    List<SessionTransactions.Recorded> early = transactions.writeEarly();
    if (early.isEmpty()) {
      return;
    }
    CompletableFuture<?>[] written = new CompletableFuture<?>[early.size()];
    for (int index = 0; index < written.length; index++) {
      written[index] = recordAudit(early.get(index));
    }
    // a failed write is kept: the ReadyForQuery must report it
    batchAudits.removeIf(future -> future.isDone() && !future.isCompletedExceptionally());
    batchAudits.add(CompletableFuture.allOf(written));
  }

  /**
   * Only now, with every audit event of the batch durable, may the client go on. A statement
   * refused before it was sent has told the client why already: the extra 58030 is for one that
   * ran.
   */
  private void passReadyForQuery(ByteBuf readyForQuery, boolean auditFailed, boolean forwarded,
      boolean endsSimpleQuery) {
    if (auditFailed) {
      services.metrics().auditFailed();
    }
    if (auditFailed && forwarded && !services.serveWithoutAudit()) {
      context.write(ServerMessages.errorResponse(context.alloc(), ErrorFields.error("58030",
          "the statement ran but its audit event could not be written; no further statements will run until the audit log is back")),
          context.voidPromise());
    }
    context.writeAndFlush(readyForQuery, context.voidPromise());
    if (endsSimpleQuery && state == State.SIMPLE_QUERY) {
      becomeReady();
    }
  }

  /**
   * Relays a backend frame. Hot-path writes take the void promise: no promise object per
   * frame, and a failed write (the client is gone) still reaches {@link #exceptionCaught},
   * which ends the session as a disconnect does.
   */
  private void write(BackendFrame frame) {
    context.write(frame.frame().retain(), context.voidPromise());
    if (!context.channel().isWritable() && backend != null) {
      // Backpressure: stop reading from the backend until the client catches up.
      backend.setAutoRead(false);
    }
  }

  @Override
  public void onReadComplete() {
    // While a ReadyForQuery waits for its audit events, the frames before it go out with it in
    // one write: the client cannot go on before the ReadyForQuery anyway, and a write (and a
    // wake-up of the client) per statement less is what the prepared-statement path feels most.
    // Only frames this read wrote wait, so the client's outbound buffer stays bounded.
    if (state != State.CLOSED && !holdingReadyForQuery) {
      context.flush();
    }
  }

  @Override
  public void onWritabilityChanged(boolean writable) {
    if (writable && (state == State.READY || clientCopying)) {
      context.channel().config().setAutoRead(true);
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
    auditUnfinished("08006", "backend connection lost");
    fatal(ErrorFields.fatal("08006", "the backend connection was lost; the session cannot continue")
        .withHint("Reconnect; if this persists, operators should check the backend database."));
  }

  /** Statements that were under way when the session or the backend went away. */
  private void auditUnfinished(String sqlState, String message) {
    while (!expectations.isEmpty()) {
      Expectation expectation = expectations.poll();
      List<StatementExecution> unfinished = expectation instanceof Expectation.SimpleQueryResponse query
          ? query.executions().unfinished()
          : Expectation.executionOf(expectation).stream().toList();
      for (StatementExecution execution : unfinished) {
        execution.error(sqlState, message);
      }
    }
    recordSessionEnd();
  }

  /**
   * The session ends: the events still waiting for a ReadyForQuery are written now, with what
   * the end did to their transaction, and a transaction left open with no statement under way
   * gets an event of its own (the backend rolls it back as its connection closes).
   */
  private void recordSessionEnd() {
    if (identity == null) {
      return;
    }
    SessionTransactions.Ending ending = transactions.sessionEnded();
    ending.recorded().forEach(this::recordAudit);
    if (ending.idleTransactionEnd() != null) {
      recorder.transactionEndedWithSession(identity, ending.idleTransactionEnd());
    }
  }

  private CompletableFuture<Void> recordAudit(SessionTransactions.Recorded statement) {
    batchForwarded |= statement.execution() != null;
    return recorder.ended(identity, statement.governed(), statement.start(), statement.execution(),
        statement.transaction());
  }

  /** A statement that never reached the backend, recorded when the session ended already. */
  private CompletableFuture<Void> recordAudit(GovernedStatement governed, long start, StatementExecution execution) {
    batchForwarded |= execution != null;
    return recorder.ended(identity, governed, start, execution, null);
  }

  private void becomeReady() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.READY;
    if (handlingPending) {
      // Called from a message that the loop below is handling (a Parse governed on the spot):
      // that loop goes on, rather than a new one deeper in the stack for each pipelined Parse.
      return;
    }
    handlingPending = true;
    try {
      while (state == State.READY && !pending.isEmpty()) {
        handle(pending.poll());
      }
    } finally {
      handlingPending = false;
    }
    if (state == State.READY) {
      if (backend != null && !expectations.isEmpty()) {
        backend.flush();
      }
      context.channel().config().setAutoRead(backend == null || backend.isWritable());
    }
  }

  /**
   * A CancelRequest for this session. While a statement is being governed and nothing of the
   * session runs in the backend, the backend's idle connection would ignore the cancel, and the
   * statement would run once governed (perhaps for long: the client asked to stop it). To the
   * client the server is busy with that statement, as PostgreSQL would be, so it is cancelled:
   * refused with PostgreSQL's 57014 when its governance ends.
   */
  private void cancelRequested() {
    if (state == State.GOVERNING && expectations.isEmpty()) {
      cancelledWhileGoverning = true;
    }
    cancelBackendQuery();
  }

  private GovernedStatement cancelledIfRequested(GovernedStatement governed) {
    return cancelledWhileGoverning && governed.isForwarded()
        ? governed.refusedWith(ErrorFields.error(QUERY_CANCELED, "canceling statement due to user request"),
            GovernedStatement.Outcome.FAILED)
        : governed;
  }

  private void cancelBackendQuery() {
    if (backend != null && !expectations.isEmpty()) {
      InetSocketAddress address = new InetSocketAddress(backend.endpoint().host(), backend.endpoint().port());
      BackendCancel.send(context.channel().eventLoop(), address, backend.processId(), backend.secretKey());
    }
  }

  private void authenticationTimedOut() {
    if (state == State.LOGGING_IN || state == State.AUTHENTICATING) {
      fatal(ErrorFields.fatal("08006", "canceling authentication due to timeout"));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof io.netty.handler.timeout.IdleStateEvent && state == State.READY && expectations.isEmpty()) {
      LOG.info("session {}: closed after being idle for {}", sessionId, services.idleTimeout());
      fatal(ErrorFields.fatal("57P05", "terminating connection due to idle-session timeout"));
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (state == State.CLOSED) {
      // The session has ended already. Relayed writes carry void promises, so when a client
      // goes away mid-result every write still queued for it fails here as the channel closes:
      // one line was logged for the first, the rest say nothing new.
      LOG.debug("session {}: after the session ended: {}", sessionId, cause.toString());
      ctx.close();
      return;
    }
    if (cause instanceof ProtocolException protocolError) {
      LOG.info("session {}: protocol violation from {}: {}", sessionId, clientAddress(), protocolError.getMessage());
      fatal(ErrorFields.fatal(ProtocolException.SQLSTATE, "protocol violation: " + protocolError.getMessage()));
    } else if (cause instanceof java.io.IOException
        || (cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() instanceof javax.net.ssl.SSLException)) {
      // A reset connection or a failed TLS handshake is the client's doing, not an internal
      // error: one line in the log, no stack trace, and the same clean-up as a disconnect.
      LOG.info("session {}: connection from {} ended: {}", sessionId, clientAddress(), cause.toString());
      clientLeft();
      ctx.close();
    } else {
      LOG.warn("session {}: closing after an unexpected error", sessionId, cause);
      fatal(ErrorFields.fatal("XX000", "internal error in Meshgate; the session was closed"));
    }
  }


  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    clientLeft();
    ctx.fireChannelInactive();
  }

  /** The client is gone: stop the backend's work and audit what was under way. */
  private void clientLeft() {
    if (state != State.CLOSED && !expectations.isEmpty()) {
      cancelBackendQuery();
      auditUnfinished("57014", "the client disconnected");
    }
    release();
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
    recordSessionEnd();
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
    held.forEach(BackendFrame::release);
    held.clear();
    heldBytes = 0;
    pending.releaseAll();
    // its continuation finds the session closed
    reservations.releaseGoverned();
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
    return SessionLogin.clientAddress(context);
  }
}
