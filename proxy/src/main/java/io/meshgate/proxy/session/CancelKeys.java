package io.meshgate.proxy.session;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Meshgate's own BackendKeyData per client session. Clients never see a backend's process id
 * or key; a CancelRequest is matched here (constant-time key comparison) and forwarded with the
 * backend's key by the session that owns it.
 */
public final class CancelKeys {
  private final SecureRandom random = new SecureRandom();
  private final Map<Integer, Registration> sessions = new ConcurrentHashMap<>();

  /** A session's key; {@code cancel} runs when a matching CancelRequest arrives. */
  public record Registration(int processId, byte[] secretKey, Runnable cancel) {
    public Registration {
      secretKey = secretKey.clone();
    }

    @Override
    public byte[] secretKey() {
      return secretKey.clone();
    }
  }

  public Registration register(Runnable cancel) {
    while (true) {
      int processId = random.nextInt(1, Integer.MAX_VALUE);
      byte[] key = new byte[4];
      random.nextBytes(key);
      Registration registration = new Registration(processId, key, cancel);
      if (sessions.putIfAbsent(processId, registration) == null) {
        return registration;
      }
    }
  }

  public void unregister(Registration registration) {
    sessions.remove(registration.processId(), registration);
  }

  public Optional<Registration> find(int processId, byte[] secretKey) {
    Registration registration = sessions.get(processId);
    if (registration == null || !MessageDigest.isEqual(registration.secretKey, secretKey)) {
      return Optional.empty();
    }
    return Optional.of(registration);
  }
}
