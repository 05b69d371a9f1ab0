package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.Subject;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Checks a user name and cleartext password against the users file. Unknown users cost the
 * same work as known ones, so timing does not tell which names exist.
 */
public final class PasswordAuthenticator {
  private final UsersFile users;
  private final ScramVerifier decoy = ScramVerifier.create("meshgate-decoy", new SecureRandom());

  public PasswordAuthenticator(UsersFile users) {
    this.users = requireNonNull(users, "users is null");
  }

  /** The subject for valid credentials; empty otherwise (never says which part was wrong). */
  public Optional<Subject> authenticate(String user, String password) {
    Optional<UserEntry> entry = users.user(user);
    ScramVerifier verifier = entry.map(UserEntry::verifier).orElse(decoy);
    boolean matches = verifier.matches(password);
    if (entry.isEmpty() || !matches) {
      return Optional.empty();
    }
    UserEntry found = entry.get();
    return Optional.of(new Subject(found.name(), found.groups(), found.attributes()));
  }
}
