package io.meshgate.proxy.session;

import io.meshgate.proxy.governance.SessionIdentity;
import io.meshgate.rewriter.ApplicationNames;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Follows the client's application_name through the backend's ParameterStatus messages.
 * Meshgate reports {@code meshgate:<user>[/<client name>]} to the backend ({@link
 * ApplicationNames}), and PostgreSQL announces every change of it — at startup, after SET and
 * RESET, and when a SET LOCAL ends with its transaction — so reading the client's part back
 * gives the name in effect however the client set it (pgjdbc, for one, sends a SET after
 * connecting rather than a startup parameter). The audit log and the policy input use it.
 */
final class ReportedApplicationName {
  private static final String PARAMETER = "application_name";

  private ReportedApplicationName() {}

  /**
   * The identity with the client's application name from a ParameterStatus body ({@code name\0
   * value\0}); the same identity when the message is about another parameter or malformed.
   */
  static SessionIdentity follow(SessionIdentity identity, ByteBuf parameterStatusBody) {
    int nameEnd = parameterStatusBody.indexOf(parameterStatusBody.readerIndex(),
        parameterStatusBody.writerIndex(), (byte) 0);
    if (nameEnd < 0) {
      return identity;
    }
    int valueEnd = parameterStatusBody.indexOf(nameEnd + 1, parameterStatusBody.writerIndex(), (byte) 0);
    if (valueEnd < 0 || !PARAMETER.equals(text(parameterStatusBody, parameterStatusBody.readerIndex(), nameEnd))) {
      return identity;
    }
    String reported = text(parameterStatusBody, nameEnd + 1, valueEnd);
    return new SessionIdentity(identity.sessionId(), identity.subject(), identity.database(),
        identity.clientAddress(), clientPart(identity.subject().user(), reported));
  }

  /** What the client named itself, from what the backend holds. */
  static String clientPart(String user, String reported) {
    String bare = ApplicationNames.reported(user, "");
    if (reported.equals(bare)) {
      return "";
    }
    if (reported.startsWith(bare + "/")) {
      return reported.substring(bare.length() + 1);
    }
    // Not Meshgate's format (the client cannot change it through Meshgate): keep it whole.
    return reported;
  }

  private static String text(ByteBuf buffer, int from, int to) {
    return buffer.toString(from, to - from, StandardCharsets.UTF_8);
  }
}
