package io.meshgate.proxy.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.meshgate.proxy.protocol.FrontendMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The bound on what a pipelining client makes a session hold: messages and bytes. */
class PendingMessagesTest {
  @Test
  void isFullAtTheByteBoundWhateverTheCount() {
    PendingMessages pending = new PendingMessages();
    FrontendMessage large = new FrontendMessage.Query("x".repeat((int) PendingMessages.MAXIMUM_BYTES / 2));
    pending.add(large);
    assertFalse(pending.isFull());
    pending.add(new FrontendMessage.Query("x".repeat((int) PendingMessages.MAXIMUM_BYTES / 2)));
    assertTrue(pending.isFull(), "two messages of half the bound each");
    assertSame(large, pending.poll());
    assertFalse(pending.isFull(), "a message handled no longer counts");
  }

  @Test
  void isFullAtTheMessageBoundHoweverSmallTheMessages() {
    PendingMessages pending = new PendingMessages();
    for (int i = 1; i < PendingMessages.MAXIMUM_MESSAGES; i++) {
      pending.add(FrontendMessage.Terminate.INSTANCE);
    }
    assertFalse(pending.isFull());
    pending.add(FrontendMessage.Terminate.INSTANCE);
    assertTrue(pending.isFull());
  }

  @Test
  void relayedFramesCountTheirBytesAndAreReleasedWithTheSession() {
    PendingMessages pending = new PendingMessages();
    ByteBuf frame = Unpooled.buffer().writeZero((int) PendingMessages.MAXIMUM_BYTES);
    pending.add(new FrontendMessage.Sync(frame));
    assertTrue(pending.isFull());
    pending.releaseAll();
    assertEquals(0, frame.refCnt());
    assertTrue(pending.isEmpty());
    assertFalse(pending.isFull());
    assertNull(pending.poll());
  }
}
