package io.meshgate.proxy.metrics;

import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/** Serves {@code /metrics} in the Prometheus text format on its own port. */
public final class MetricsHttpServer implements AutoCloseable {
  private final HTTPServer server;

  public MetricsHttpServer(String host, int port, ProxyMetrics metrics) throws IOException {
    this.server = new HTTPServer.Builder()
        .withInetSocketAddress(new InetSocketAddress(host, port))
        .withRegistry(metrics.registry())
        .withDaemonThreads(true)
        .build();
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
