package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.meshgate.policy.Subject;
import io.meshgate.proxy.governance.SessionIdentity;
import io.meshgate.rewriter.ApplicationNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportedApplicationNameTest {
  private static final SessionIdentity ALICE = new SessionIdentity("s",
      new Subject("alice", List.of(), Map.of()), "mesh", "127.0.0.1", "");

  @Test
  void followsTheClientsPartOfTheReportedName() {
    assertEquals("psql", follow("application_name", ApplicationNames.reported("alice", "psql")).applicationName());
    assertEquals("a/b", follow("application_name", "meshgate:alice/a/b").applicationName());
    assertEquals("", follow("application_name", "meshgate:alice").applicationName());
  }

  @Test
  void keepsANameInAnotherFormatWhole() {
    assertEquals("meshgate:bob/psql", follow("application_name", "meshgate:bob/psql").applicationName());
    assertEquals("meshgate:alicex", follow("application_name", "meshgate:alicex").applicationName());
  }

  @Test
  void ignoresOtherParametersAndMalformedMessages() {
    assertSame(ALICE, follow("TimeZone", "UTC"));
    ByteBuf noTerminator = Unpooled.copiedBuffer("application_name\0psql", StandardCharsets.UTF_8);
    try {
      assertSame(ALICE, ReportedApplicationName.follow(ALICE, noTerminator));
    } finally {
      noTerminator.release();
    }
  }

  private static SessionIdentity follow(String name, String value) {
    ByteBuf body = Unpooled.copiedBuffer(name + "\0" + value + "\0", StandardCharsets.UTF_8);
    try {
      SessionIdentity followed = ReportedApplicationName.follow(ALICE, body);
      assertEquals(0, body.readerIndex(), "the frame is relayed afterwards, unread");
      return followed;
    } finally {
      body.release();
    }
  }
}
