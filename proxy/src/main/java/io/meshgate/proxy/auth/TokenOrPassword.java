package io.meshgate.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a PasswordMessage carries: a JSON Web Token or a password. A compact JWS is three
 * base64url parts separated by dots whose first part decodes to a JSON object (the header);
 * checking the header keeps a password such as {@code "my.pass.word"} on the password path.
 * A token with an empty signature part ({@code alg: none}) still counts as a token, so it is
 * refused by the token check rather than tried as a password.
 */
public enum TokenOrPassword {
  TOKEN,
  PASSWORD;

  public static TokenOrPassword classify(String password) {
    String[] parts = password.split("\\.", -1);
    if (parts.length != 3
        || parts[0].isEmpty()
        || parts[1].isEmpty()
        || !isBase64Url(parts[0])
        || !isBase64Url(parts[1])
        || !isBase64Url(parts[2])) {
      return PASSWORD;
    }
    return headerIsJsonObject(parts[0]) ? TOKEN : PASSWORD;
  }

  private static boolean isBase64Url(String part) {
    for (int i = 0; i < part.length(); i++) {
      char character = part.charAt(i);
      boolean allowed = (character >= 'A' && character <= 'Z')
          || (character >= 'a' && character <= 'z')
          || (character >= '0' && character <= '9')
          || character == '-'
          || character == '_';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  private static boolean headerIsJsonObject(String encodedHeader) {
    try {
      String header = new String(Base64.getUrlDecoder().decode(encodedHeader), StandardCharsets.UTF_8).strip();
      return header.startsWith("{") && header.endsWith("}");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
