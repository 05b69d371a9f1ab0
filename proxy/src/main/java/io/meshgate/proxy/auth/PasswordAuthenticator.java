package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Subject;
import java.util.Optional;

/**
 * Checks a user name and cleartext password against the users file. Unknown users cost the
 * same work as known ones, so timing does not tell which names exist.
 */
public final class PasswordAuthenticator {
  private final UsersFile users;
  private final Optional<JwtAuthenticator> jwt;

  public PasswordAuthenticator(UsersFile users) {
    this(users, Optional.empty());
  }

  /** With JWT configured, a password that is a JWT is verified as a bearer token instead. */
  public PasswordAuthenticator(UsersFile users, Optional<JwtAuthenticator> jwt) {
    this.users = requireNonNull(users, "users is null");
    this.jwt = requireNonNull(jwt, "jwt is null");
  }

  public UsersFile users() {
    return users;
  }

  /**
   * The subject for valid credentials; empty otherwise (never says which part was wrong).
   * May block (PBKDF2, JWKS fetch): call off the event loop.
   */
  public Optional<Subject> authenticate(String user, String password) {
    if (jwt.isPresent() && TokenOrPassword.classify(password) == TokenOrPassword.TOKEN) {
      return jwt.get().authenticate(user, password);
    }
    Optional<UserEntry> entry = users.user(user);
    ScramVerifier verifier = entry.map(UserEntry::verifier).orElseGet(() -> users.decoyFor(user));
    boolean matches = verifier.matches(password);
    if (entry.isEmpty() || !matches) {
      return Optional.empty();
    }
    UserEntry found = entry.get();
    return Optional.of(new Subject(found.name(), found.groups(), found.attributes()));
  }
}
