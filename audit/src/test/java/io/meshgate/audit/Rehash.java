package io.meshgate.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Recomputes a line's hash after an edit, as a forger who knows the format would. */
final class Rehash {

  private Rehash() {}

  static String line(String line) throws Exception {
    int hashMember = line.lastIndexOf(",\"hash\":\"");
    String canonical = line.substring(0, hashMember) + "}";
    String previous = new ObjectMapper().readTree(line).get("prev_hash").textValue();
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest((previous + canonical).getBytes(StandardCharsets.UTF_8)));
    return line.substring(0, hashMember) + ",\"hash\":\"" + hash + "\"}";
  }
}
