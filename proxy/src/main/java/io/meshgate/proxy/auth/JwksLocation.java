package io.meshgate.proxy.auth;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;

/** Where the JSON Web Key Set that signs accepted tokens comes from: a local file or a URL. */
public sealed interface JwksLocation {
  /** A JWKS file, re-read when the cache expires or an unknown key id arrives. */
  record LocalFile(Path path) implements JwksLocation {
    public LocalFile {
      requireNonNull(path, "path is null");
    }
  }

  /** A JWKS served over HTTP(S), typically the identity provider's {@code jwks_uri}. */
  record Url(URI url) implements JwksLocation {
    public Url {
      requireNonNull(url, "url is null");
      String scheme = url.getScheme();
      if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("JWKS URL must be http or https: " + url);
      }
      if (url.getHost() == null) {
        throw new IllegalArgumentException("JWKS URL has no host: " + url);
      }
    }
  }

  /** {@code http://…} or {@code https://…} is a URL, anything else a file path. */
  public static JwksLocation parse(String location) {
    requireNonNull(location, "location is null");
    if (location.startsWith("https://") || location.startsWith("http://")) {
      return new Url(URI.create(location));
    }
    return new LocalFile(Path.of(location));
  }
}
