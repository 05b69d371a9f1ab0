package io.meshgate.proxy.robustness;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak assertions of the robustness tests must be able to fail. */
class LeakWatchTest {

  @Test
  void reportsABufferThatWasNeverReleased() {
    try (LeakWatch watch = LeakWatch.startQuietly()) {
      assertTrue(watch.listensToDetector(), "Netty's buffer leak detector is reachable");
      loseABuffer();
      AssertionError error = assertThrows(AssertionError.class, watch::assertNoLeaks);
      assertTrue(error.getMessage().contains("LEAK"), error.getMessage());
    }
  }

  @Test
  void staysQuietWhenEveryBufferIsReleased() {
    try (LeakWatch watch = LeakWatch.start()) {
      ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(64).writeLong(42);
      buffer.release();
      watch.assertNoLeaks();
    }
  }

  private static void loseABuffer() {
    ByteBuf lost = ByteBufAllocator.DEFAULT.directBuffer(64);
    lost.writeLong(7);
  }
}
