package io.meshgate.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class CleartextPasswordsTest {
  @Test
  void onlyLoopbackClientsUnderLoopback() throws UnknownHostException {
    InetAddress loopback4 = InetAddress.getByName("127.0.0.1");
    InetAddress loopback6 = InetAddress.getByName("::1");
    InetAddress remote = InetAddress.getByName("192.0.2.7");
    assertTrue(CleartextPasswords.LOOPBACK.allowedWithoutTls(loopback4));
    assertTrue(CleartextPasswords.LOOPBACK.allowedWithoutTls(loopback6));
    assertFalse(CleartextPasswords.LOOPBACK.allowedWithoutTls(remote));
    assertFalse(CleartextPasswords.REFUSE.allowedWithoutTls(loopback4));
    assertTrue(CleartextPasswords.ALLOW.allowedWithoutTls(remote));
  }
}
