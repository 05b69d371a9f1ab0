package io.meshgate.policy.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson configuration for contract JSON; an {@link ObjectMapper} is thread-safe once built. */
final class ContractJson {

  /**
   * Numbers are read as exact decimals (a filter value of 0.1 must stay 0.1) and duplicate keys
   * are an error rather than "last one wins", which would silently drop a mask or a filter.
   */
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .build();

  private ContractJson() {}
}
