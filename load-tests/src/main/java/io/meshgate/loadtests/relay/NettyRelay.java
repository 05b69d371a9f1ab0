package io.meshgate.loadtests.relay;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The relay's server and its command line: {@code NettyRelay <backend port>} listens on a free
 * port of 127.0.0.1, prints {@value #LISTENING}{@code 127.0.0.1:<port>} and relays every
 * connection to 127.0.0.1:{@code <backend port>} until the process is stopped (SIGTERM).
 *
 * <p>Set up as Meshgate's listener is, so that the two differ in what they do with the bytes
 * and not in how they get them: NIO transport, one acceptor thread and Netty's default number of
 * event loops, TCP_NODELAY on both sides, the same write-buffer water marks.
 */
public final class NettyRelay implements AutoCloseable {
  /** What the relay prints once it listens, before {@code host:port}. */
  public static final String LISTENING = "Netty relay listening on ";
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
  private static final String HOST = "127.0.0.1";

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final Channel server;

  private NettyRelay(EventLoopGroup acceptor, EventLoopGroup workers, Channel server) {
    this.acceptor = acceptor;
    this.workers = workers;
    this.server = server;
  }

  /** Listens on {@code listenPort} of 127.0.0.1 (0: any free port) and relays to {@code backend}. */
  public static NettyRelay start(int listenPort, InetSocketAddress backend) throws InterruptedException {
    requireNonNull(backend, "backend is null");
    if (!backend.getAddress().isLoopbackAddress()) {
      // A benchmark instrument: it must not become an open relay to another machine.
      throw new IllegalArgumentException("the relay forwards to loopback only, not " + backend);
    }
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    try {
      Channel server = new ServerBootstrap()
          .group(acceptor, workers)
          .channel(NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.AUTO_READ, false)
          .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
              channel.pipeline().addLast(new BackendDialer(backend));
            }
          })
          .bind(HOST, listenPort).sync().channel();
      return new NettyRelay(acceptor, workers, server);
    } catch (RuntimeException | InterruptedException e) {
      acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw e;
    }
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Stops listening and closes every relayed connection. */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  public static void main(String[] arguments) throws InterruptedException {
    PrintStream out = System.out;
    if (arguments.length != 1 || !arguments[0].matches("\\d{1,5}")) {
      System.err.println("usage: NettyRelay <backend port on 127.0.0.1>");
      System.exit(2);
    }
    NettyRelay relay = start(0, new InetSocketAddress(HOST, Integer.parseInt(arguments[0])));
    Runtime.getRuntime().addShutdownHook(new Thread(relay::close, "netty-relay-stop"));
    out.println(LISTENING + HOST + ":" + relay.port());
    out.flush();
    relay.server.closeFuture().sync();
  }
}
