package io.meshgate.proxy.net;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The I/O handler and channel classes of one Netty transport. Native epoll is the default
 * wherever it loads: it makes fewer system calls per read and write than NIO's selector and
 * wakes event loops with an eventfd instead of a selector wake-up, and the kernel's socket
 * work is most of Meshgate's processor time on the prepared-statement path. NIO is the fallback on other systems, and
 * the system property {@value #PROPERTY} or else the environment variable
 * {@value #ENVIRONMENT_VARIABLE} ({@code auto}, {@code nio} or {@code epoll}) forces a choice.
 */
public enum Transport {
  NIO(NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class),
  // Class literals load the epoll classes without initialising them: naming them needs no native library.
  EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class, EpollSocketChannel.class);

  /** The system property that forces a transport: {@code auto} (the default), {@code nio}, {@code epoll}. */
  public static final String PROPERTY = "meshgate.transport";
  /** The same, for launchers that pass no JVM options ({@code proxy/bin/meshgate}). */
  public static final String ENVIRONMENT_VARIABLE = "MESHGATE_TRANSPORT";

  private final Supplier<IoHandlerFactory> ioHandlerFactory;
  private final Class<? extends ServerSocketChannel> serverChannel;
  private final Class<? extends SocketChannel> socketChannel;

  Transport(
      Supplier<IoHandlerFactory> ioHandlerFactory,
      Class<? extends ServerSocketChannel> serverChannel,
      Class<? extends SocketChannel> socketChannel) {
    this.ioHandlerFactory = ioHandlerFactory;
    this.serverChannel = serverChannel;
    this.socketChannel = socketChannel;
  }

  /** Creates the I/O handlers of an event loop group of this transport. */
  public IoHandlerFactory ioHandlerFactory() {
    return ioHandlerFactory.get();
  }

  /** The listening channel class that fits this transport's event loops. */
  public Class<? extends ServerSocketChannel> serverChannel() {
    return serverChannel;
  }

  /** The connecting channel class that fits this transport's event loops. */
  public Class<? extends SocketChannel> socketChannel() {
    return socketChannel;
  }

  /** The transport {@value #PROPERTY} or {@value #ENVIRONMENT_VARIABLE} asks for, or the best available one. */
  public static Transport configured() {
    String setting = System.getProperty(PROPERTY);
    if (setting == null) {
      setting = System.getenv().getOrDefault(ENVIRONMENT_VARIABLE, "auto");
    }
    return choose(setting, Epoll.isAvailable());
  }

  /**
   * {@code setting} is {@code auto}, {@code nio} or {@code epoll}; {@code epollAvailable} is
   * whether the native library loaded. Asking for epoll where it cannot load is an error rather
   * than a silent fallback, so an operator who forced it learns why it is not in use.
   */
  public static Transport choose(String setting, boolean epollAvailable) {
    requireNonNull(setting, "setting is null");
    return switch (setting.trim().toLowerCase(Locale.ROOT)) {
      case "auto", "" -> epollAvailable ? EPOLL : NIO;
      case "nio" -> NIO;
      case "epoll" -> {
        if (!epollAvailable) {
          throw new IllegalStateException("transport epoll was asked for, but native epoll is not available here ("
              + Epoll.unavailabilityCause() + "); use -D" + PROPERTY + "=auto or nio");
        }
        yield EPOLL;
      }
      default -> throw new IllegalArgumentException("transport '" + setting + "' (-D" + PROPERTY + " or "
          + ENVIRONMENT_VARIABLE + ") is not a transport; use auto, nio or epoll");
    };
  }

  /**
   * The transport of the event loop a channel is about to be registered with: a backend
   * connection opened on a client session's loop must be of the loop's own kind.
   */
  public static Transport of(EventLoop eventLoop) {
    requireNonNull(eventLoop, "eventLoop is null");
    return eventLoop instanceof IoEventLoop ioEventLoop && ioEventLoop.isIoType(EpollIoHandler.class) ? EPOLL : NIO;
  }

  /** A name for logs: the transport and, for epoll, that it is the native one. */
  public String displayName() {
    return switch (this) {
      case NIO -> "nio";
      case EPOLL -> "epoll (native)";
    };
  }
}
