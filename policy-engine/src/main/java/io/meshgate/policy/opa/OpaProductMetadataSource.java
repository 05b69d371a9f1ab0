package io.meshgate.policy.opa;

import static java.util.Objects.requireNonNull;

import io.meshgate.policy.DomainMetadata;
import io.meshgate.policy.PolicyEngineException.Unavailable;
import io.meshgate.policy.ProductMetadataSource;
import io.meshgate.policy.json.DomainMetadataParser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * Asks OPA for what every domain publishes about its data products, with OPA's query API:
 * {@code POST {baseUri}/v1/query} with the query {@value #QUERY}. That is exactly the
 * {@code metadata} the global policy composes decisions from (data.json in the demo mesh), as
 * the running OPA serves it, so discovery can never describe another revision of the policies
 * than the one deciding. Only the {@code metadata} rules are evaluated, not the domains' other
 * rules or their tests. Works the same against the managed OPA and a remote one (TLS, bearer
 * token). Blocking and thread-safe; every failure is {@link Unavailable}.
 */
public final class OpaProductMetadataSource implements ProductMetadataSource {
  /** Binds every domain package that defines {@code metadata}, and that metadata. */
  public static final String QUERY = "data.meshgate.domains[domain].metadata = metadata";

  private static final byte[] BODY =
      ("{\"query\": \"" + QUERY + "\"}").getBytes(StandardCharsets.UTF_8);

  private final OpaRestConfig config;
  private final Supplier<String> revision;
  private final OpaHttp http;
  private final URI queryUri;

  /**
   * @param revision the policy revision OPA serves, as for {@link OpaRestPolicyEngine}
   */
  public OpaProductMetadataSource(OpaRestConfig config, Supplier<String> revision) {
    this.config = requireNonNull(config, "config is null");
    this.revision = requireNonNull(revision, "revision is null");
    this.http = new OpaHttp(config);
    this.queryUri = http.api("v1/query");
  }

  @Override
  public List<DomainMetadata> domains() throws Unavailable {
    HttpResponse<byte[]> response = http.postJson(queryUri, BODY);
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      throw new Unavailable("OPA answered HTTP " + status + OpaHttp.errorCode(response.body())
          + " for the domains' metadata (" + config.baseUri() + ")", null);
    }
    try {
      return DomainMetadataParser.parseQueryResponse(response.body());
    } catch (IllegalArgumentException e) {
      throw new Unavailable(e.getMessage() + " (" + config.baseUri() + ")", e);
    }
  }

  @Override
  public String revision() {
    return revision.get();
  }

  @Override
  public void close() {
    http.close();
  }
}
