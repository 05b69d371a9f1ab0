package io.meshgate.proxy.session;

import io.meshgate.proxy.protocol.FrontendMessage;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Client messages that wait while the session's statement is governed or runs, in order. A
 * client may pipeline far ahead; what waits here is bounded in messages and in bytes, so one
 * session cannot fill the memory every session shares (1,024 pipelined 8 MiB queries would be
 * 8 GiB). When {@link #isFull} the session stops reading, and TCP makes the client wait.
 */
final class PendingMessages {
  static final int MAXIMUM_MESSAGES = 1024;
  static final long MAXIMUM_BYTES = 1L << 20;
  /** What a message without a body of its own is counted as. */
  private static final int HEADER_BYTES = 5;

  private final Deque<FrontendMessage> messages = new ArrayDeque<>();
  private long bytes;

  void add(FrontendMessage message) {
    messages.add(message);
    bytes += size(message);
  }

  /** The oldest message, or null when none waits. */
  FrontendMessage poll() {
    FrontendMessage message = messages.poll();
    if (message != null) {
      bytes -= size(message);
    }
    return message;
  }

  boolean isEmpty() {
    return messages.isEmpty();
  }

  /** Whether the session should read no more until these are handled. */
  boolean isFull() {
    return messages.size() >= MAXIMUM_MESSAGES || bytes >= MAXIMUM_BYTES;
  }

  /**
   * The session is over: the frames of relayed messages go back to their pool, and the bytes of
   * large messages to the memory budget.
   */
  void releaseAll() {
    for (FrontendMessage message : messages) {
      discard(message);
    }
    messages.clear();
    bytes = 0;
  }

  /** Lets go of what a message holds that is not garbage-collected: its frame, its reservation. */
  static void discard(FrontendMessage message) {
    if (message instanceof FrontendMessage.Budgeted budgeted) {
      discard(budgeted.message());
      budgeted.reservation().release();
    } else if (message instanceof FrontendMessage.Relayed relayed) {
      relayed.frame().release();
    }
  }

  /** About the memory a message holds: its frame, or its text at a byte per character. */
  private static long size(FrontendMessage message) {
    return HEADER_BYTES + switch (message) {
      case FrontendMessage.Relayed relayed -> relayed.frame().readableBytes();
      case FrontendMessage.Query query -> query.sql().length();
      case FrontendMessage.Parse parse ->
          parse.statementName().length() + parse.sql().length() + 4L * parse.parameterTypes().size();
      case FrontendMessage.PasswordMessage password -> password.payload().length;
      case FrontendMessage.StartupMessage startup -> startup.parameters().entrySet().stream()
          .mapToLong(parameter -> parameter.getKey().length() + parameter.getValue().length()).sum();
      case FrontendMessage.CancelRequest cancel -> cancel.secretKey().length;
      case FrontendMessage.SslRequest ssl -> 0;
      case FrontendMessage.GssEncRequest gss -> 0;
      case FrontendMessage.Terminate terminate -> 0;
      case FrontendMessage.FunctionCall call -> 0;
      case FrontendMessage.Unsupported unsupported -> 0;
      case FrontendMessage.Budgeted budgeted -> size(budgeted.message()) - HEADER_BYTES;
      case FrontendMessage.OverBudget overBudget -> 0;
    };
  }
}
