package io.meshgate.proxy.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void forcedNioGivesNioClassesEvenWhereEpollLoads() {
    Transport transport = Transport.choose("nio", true);

    assertEquals(Transport.NIO, transport);
    assertEquals(NioServerSocketChannel.class, transport.serverChannel());
    assertEquals(NioSocketChannel.class, transport.socketChannel());
  }

  @Test
  void autoPrefersEpollAndFallsBackToNio() {
    assertEquals(Transport.EPOLL, Transport.choose("auto", true));
    assertEquals(Transport.NIO, Transport.choose("auto", false));
    assertEquals(Transport.EPOLL, Transport.choose(" EPOLL ", true));
  }

  @Test
  void onThisLinuxMachineTheDefaultIsNativeEpoll() {
    // The build and the benchmarks run on Linux (x86-64 or ARM), where the native library ships.
    assertTrue(Epoll.isAvailable(), () -> "epoll unavailable: " + Epoll.unavailabilityCause());
    Transport transport = Transport.choose("auto", Epoll.isAvailable());

    assertEquals(Transport.EPOLL, transport);
    assertEquals(EpollServerSocketChannel.class, transport.serverChannel());
    assertEquals(EpollSocketChannel.class, transport.socketChannel());
  }

  @Test
  void forcingEpollWhereItCannotLoadIsAnErrorNotASilentFallback() {
    IllegalStateException unavailable = assertThrows(IllegalStateException.class, () -> Transport.choose("epoll", false));
    assertTrue(unavailable.getMessage().contains("-Dmeshgate.transport=auto or nio"), unavailable.getMessage());
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Transport.choose("io_uring", true));
    assertTrue(unknown.getMessage().contains("use auto, nio or epoll"), unknown.getMessage());
  }

  @Test
  void anEventLoopTellsItsTransportSoBackendChannelsFitTheClientsLoop() throws InterruptedException {
    for (Transport transport : Transport.values()) {
      EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
      try {
        assertEquals(transport, Transport.of(group.next()));
      } finally {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await();
      }
    }
  }
}
