package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Subject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) the way PostgreSQL runs
 * it inside AuthenticationSASL: the user is the startup message's {@code user} (the SCRAM
 * {@code n=} attribute is ignored, as PostgreSQL does), no authorization identity, no channel
 * binding (SCRAM-SHA-256-PLUS is not offered).
 *
 * <p>Flow: the session sends AuthenticationSASL listing {@link #MECHANISM}, passes the
 * SASLInitialResponse data to {@link #handleClientFirst} and sends the result as
 * AuthenticationSASLContinue, passes the SASLResponse data to {@link #handleClientFinal} and
 * sends the result as AuthenticationSASLFinal followed by AuthenticationOk; then
 * {@link #subject()} is the authenticated subject. Any {@link AuthenticationFailedException}
 * ends the exchange: send its SQLSTATE and message and close.
 *
 * <p>For a name that is not in the users file the exchange runs to the end with a decoy salt
 * (stable per name; the iteration count and salt length of most of the file's verifiers) and
 * fails only at the proof, so the server-first-message does not tell which names exist. One instance per connection; not thread-safe.
 */
public final class ScramServerExchange {
  public static final String MECHANISM = Scram.MECHANISM;

  private static final int SERVER_NONCE_BYTES = 18;
  private static final int PROOF_LENGTH = 32;
  private static final String WITHOUT_CHANNEL_BINDING = "n,,";
  private static final String CLIENT_SUPPORTS_CHANNEL_BINDING = "y,,";

  private enum Stage {
    AWAITING_CLIENT_FIRST,
    AWAITING_CLIENT_FINAL,
    SUCCEEDED,
    FAILED
  }

  private final UsersFile users;
  private final String startupUser;
  private final Supplier<String> serverNonces;

  private Stage stage = Stage.AWAITING_CLIENT_FIRST;
  private Optional<UserEntry> entry = Optional.empty();
  private ScramVerifier verifier;
  private String expectedChannelBinding;
  private String clientFirstBare;
  private String serverFirst;
  private String nonce;
  private Subject subject;

  /**
   * @param users the users file, whose verifiers also shape the decoys of unknown names
   * @param startupUser the {@code user} parameter of the startup message
   */
  public ScramServerExchange(UsersFile users, String startupUser) {
    this(users, startupUser, randomNonces(new SecureRandom()));
  }

  /** For tests that replay a published exchange with a fixed server nonce. */
  ScramServerExchange(UsersFile users, String startupUser, Supplier<String> serverNonces) {
    this.users = requireNonNull(users, "users is null");
    this.startupUser = requireNonNull(startupUser, "startupUser is null");
    this.serverNonces = requireNonNull(serverNonces, "serverNonces is null");
  }

  /** Whether a client asking for {@code mechanism} in SASLInitialResponse can be served. */
  public static boolean supports(String mechanism) {
    return MECHANISM.equals(mechanism);
  }

  /** Reads the client-first-message and returns the server-first-message. */
  public byte[] handleClientFirst(byte[] clientFirstMessage) throws AuthenticationFailedException {
    requireNonNull(clientFirstMessage, "clientFirstMessage is null");
    expectStage(Stage.AWAITING_CLIENT_FIRST, "client-first-message");
    // Any exit other than the normal return leaves the exchange failed.
    stage = Stage.FAILED;
    String message = decode(clientFirstMessage);
    String gs2Header = gs2Header(message);
    clientFirstBare = message.substring(gs2Header.length());
    List<String> attributes = List.of(clientFirstBare.split(",", -1));
    if (attributes.getFirst().startsWith("m=")) {
      throw failure("client requires an unsupported SCRAM extension");
    }
    if (attributes.size() < 2 || !attributes.get(0).startsWith("n=") || !attributes.get(1).startsWith("r=")) {
      throw failure("malformed client-first-message: expected n=<user>,r=<nonce>");
    }
    requireExtensions(attributes.subList(2, attributes.size()), "client-first-message");
    String clientNonce = attributes.get(1).substring(2);
    if (!isPrintable(clientNonce)) {
      throw failure("client nonce is empty or not printable");
    }
    entry = users.user(startupUser);
    verifier = entry.map(UserEntry::verifier).orElseGet(() -> users.decoyFor(startupUser));
    expectedChannelBinding = Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.US_ASCII));
    nonce = clientNonce + serverNonces.get();
    serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt())
        + ",i=" + verifier.iterations();
    stage = Stage.AWAITING_CLIENT_FINAL;
    return serverFirst.getBytes(StandardCharsets.UTF_8);
  }

  /** Checks the client-final-message and returns the server-final-message ({@code v=…}). */
  public byte[] handleClientFinal(byte[] clientFinalMessage) throws AuthenticationFailedException {
    requireNonNull(clientFinalMessage, "clientFinalMessage is null");
    expectStage(Stage.AWAITING_CLIENT_FINAL, "client-final-message");
    stage = Stage.FAILED;
    String message = decode(clientFinalMessage);
    int proofAt = message.lastIndexOf(",p=");
    if (proofAt < 0) {
      throw failure("malformed client-final-message: no proof");
    }
    String withoutProof = message.substring(0, proofAt);
    List<String> attributes = List.of(withoutProof.split(",", -1));
    if (attributes.size() < 2 || !attributes.get(0).startsWith("c=") || !attributes.get(1).startsWith("r=")) {
      throw failure("malformed client-final-message: expected c=<binding>,r=<nonce>");
    }
    requireExtensions(attributes.subList(2, attributes.size()), "client-final-message");
    if (!attributes.get(0).substring(2).equals(expectedChannelBinding)) {
      throw failure("channel binding attribute does not match the gs2 header of the client-first-message");
    }
    if (!MessageDigest.isEqual(
        attributes.get(1).substring(2).getBytes(StandardCharsets.UTF_8), nonce.getBytes(StandardCharsets.UTF_8))) {
      throw failure("nonce does not match this exchange");
    }
    byte[] proof = decodeProof(message.substring(proofAt + ",p=".length()));
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] storedKey = verifier.storedKey();
    byte[] clientKey = Scram.xor(proof, Scram.hmac(storedKey, authMessage));
    boolean proofMatches = MessageDigest.isEqual(Scram.sha256(clientKey), storedKey);
    if (entry.isEmpty()) {
      throw failure("no such user");
    }
    if (!proofMatches) {
      throw failure("wrong password");
    }
    UserEntry found = entry.get();
    subject = new Subject(found.name(), found.groups(), found.attributes());
    byte[] serverSignature = Scram.hmac(verifier.serverKey(), authMessage);
    stage = Stage.SUCCEEDED;
    return ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8);
  }

  /** The authenticated subject once the client-final-message verified; empty before. */
  public Optional<Subject> subject() {
    return stage == Stage.SUCCEEDED ? Optional.of(subject) : Optional.empty();
  }

  private String gs2Header(String message) throws AuthenticationFailedException {
    if (message.startsWith("p=")) {
      throw AuthenticationFailedException.channelBindingNotOffered();
    }
    if (message.startsWith(WITHOUT_CHANNEL_BINDING)) {
      return WITHOUT_CHANNEL_BINDING;
    }
    // 'y' means "I could bind but think you cannot": true here, because -PLUS is never offered.
    // If Meshgate ever offers SCRAM-SHA-256-PLUS, 'y' must be refused as a downgrade.
    if (message.startsWith(CLIENT_SUPPORTS_CHANNEL_BINDING)) {
      return CLIENT_SUPPORTS_CHANNEL_BINDING;
    }
    if (message.startsWith("n,a=") || message.startsWith("y,a=")) {
      throw failure("client sent an authorization identity, which is not supported");
    }
    throw failure("malformed gs2 header");
  }

  private void requireExtensions(List<String> extensions, String messageName) throws AuthenticationFailedException {
    for (String extension : extensions) {
      if (extension.length() < 2 || !isAsciiLetter(extension.charAt(0)) || extension.charAt(1) != '=') {
        throw failure("malformed attribute in " + messageName);
      }
    }
  }

  private byte[] decodeProof(String encoded) throws AuthenticationFailedException {
    byte[] proof;
    try {
      proof = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw failure("proof is not base64");
    }
    if (proof.length != PROOF_LENGTH) {
      throw failure("proof has " + proof.length + " bytes instead of " + PROOF_LENGTH);
    }
    return proof;
  }

  private String decode(byte[] message) throws AuthenticationFailedException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(message))
          .toString();
    } catch (CharacterCodingException e) {
      throw failure("SCRAM message is not valid UTF-8");
    }
  }

  private void expectStage(Stage expected, String messageName) throws AuthenticationFailedException {
    if (stage != expected) {
      Stage actual = stage;
      stage = Stage.FAILED;
      throw failure("unexpected " + messageName + " in stage " + actual);
    }
  }

  private AuthenticationFailedException failure(String reason) {
    stage = Stage.FAILED;
    return AuthenticationFailedException.forUser(startupUser, reason);
  }

  /** RFC 5802 "printable": visible ASCII except the comma that separates attributes. */
  private static boolean isPrintable(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char character = value.charAt(i);
      if (character < 0x21 || character > 0x7E || character == ',') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char character) {
    return (character >= 'a' && character <= 'z') || (character >= 'A' && character <= 'Z');
  }

  private static Supplier<String> randomNonces(SecureRandom random) {
    return () -> {
      byte[] bytes = new byte[SERVER_NONCE_BYTES];
      random.nextBytes(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    };
  }
}
