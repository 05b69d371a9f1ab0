package io.meshgate.proxy.session;

import static java.util.Objects.requireNonNull;

import io.meshgate.proxy.tls.ServerTls;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.List;

/**
 * Looks at the first byte of a connection: a TLS handshake record (0x16) means direct TLS
 * (PostgreSQL 17's sslnegotiation=direct), which must negotiate ALPN "postgresql"; anything
 * else is the plain protocol, which may still upgrade through SSLRequest. Removes itself
 * either way.
 */
public final class DirectTlsDetector extends ByteToMessageDecoder {
  public static final String NAME = "direct-tls-detector";
  private static final byte TLS_HANDSHAKE_RECORD = 0x16;

  private final SslContext sslContext;

  public DirectTlsDetector(SslContext sslContext) {
    this.sslContext = requireNonNull(sslContext, "sslContext is null");
  }

  @Override
  protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
    if (!in.isReadable()) {
      return;
    }
    if (in.getByte(in.readerIndex()) == TLS_HANDSHAKE_RECORD) {
      SslHandler tls = sslContext.newHandler(context.alloc());
      tls.handshakeFuture().addListener(handshake -> {
        if (handshake.isSuccess() && !ServerTls.negotiatedPostgresql(tls)) {
          // As PostgreSQL: direct TLS without ALPN "postgresql" is not a PostgreSQL client.
          context.channel().close();
        }
      });
      context.pipeline().addAfter(context.name(), "tls", tls);
      context.channel().attr(ClientSession.TLS_ACTIVE).set(Boolean.TRUE);
    }
    context.pipeline().remove(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
    context.channel().close().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
  }
}
