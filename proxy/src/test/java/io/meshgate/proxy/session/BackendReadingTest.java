package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackendReadingTest {

  private static Optional<String> violation(String name, String value) {
    ByteBuf body = Unpooled.copiedBuffer(name + "\0" + value + "\0", StandardCharsets.UTF_8);
    try {
      return BackendReading.violation(body).map(error -> error.sqlState() + " " + error.message());
    } finally {
      body.release();
    }
  }

  @Test
  void utf8AndStandardConformingStringsAreWhatMeshgateForwardsUnder() {
    assertEquals(Optional.empty(), violation("client_encoding", "UTF8"));
    assertEquals(Optional.empty(), violation("standard_conforming_strings", "on"));
    assertEquals(Optional.empty(), violation("application_name", "meshgate:alice"));
    assertEquals(Optional.empty(), violation("DateStyle", "SQL, DMY"));
  }

  @Test
  void anyOtherReadingEndsTheSession() {
    assertTrue(violation("client_encoding", "SJIS").orElseThrow().startsWith("08001 the backend reads SQL with client_encoding = SJIS"));
    assertTrue(violation("standard_conforming_strings", "off").orElseThrow().startsWith("08001 "));
  }

  @Test
  void aMalformedReportIsNotOneOfThem() {
    ByteBuf body = Unpooled.copiedBuffer("client_encoding", StandardCharsets.UTF_8);
    try {
      assertEquals(Optional.empty(), BackendReading.violation(body));
    } finally {
      body.release();
    }
  }
}
