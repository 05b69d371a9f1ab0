package io.meshgate.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenOrPasswordTest {
  private static final String HEADER =
      Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"RS256\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
  private static final String PAYLOAD =
      Base64.getUrlEncoder().withoutPadding().encodeToString("{\"sub\":\"alice\"}".getBytes(StandardCharsets.UTF_8));

  @ParameterizedTest
  @ValueSource(strings = {"SIGNATURE", "", "abc-_09"})
  void compactJwsIsAToken(String signature) {
    assertEquals(TokenOrPassword.TOKEN, TokenOrPassword.classify(HEADER + "." + PAYLOAD + "." + signature));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "hunter2",
      "my.pass.word",
      "a.b.c",
      "eyJhbGciOiJSUzI1NiJ9.payload",
      "eyJhbGciOiJSUzI1NiJ9.e30.sig.extra",
      "eyJhbGciOiJSUzI1NiJ9..sig",
      ".e30.sig",
      "eyJhbGciOiJSUzI1NiJ9.e30.sig+with/plus",
      "bm90IGpzb24.e30.sig",
  })
  void anythingElseIsAPassword(String password) {
    assertEquals(TokenOrPassword.PASSWORD, TokenOrPassword.classify(password));
  }
}
