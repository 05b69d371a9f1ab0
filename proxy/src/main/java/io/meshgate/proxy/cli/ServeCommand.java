package io.meshgate.proxy.cli;

import io.meshgate.proxy.Meshgate;
import io.meshgate.proxy.config.ConfigLoader;
import io.meshgate.proxy.config.MeshgateConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code meshgate serve --config FILE}: runs until interrupted. */
final class ServeCommand {
  private ServeCommand() {}

  static int run(List<String> args, PrintStream out) throws Exception {
    MeshgateCommand.requireKnown(args, "--config");
    String file = MeshgateCommand.option(args, "--config");
    if (file == null) {
      throw new MeshgateCommand.UsageException("serve needs --config FILE");
    }
    MeshgateConfig config = ConfigLoader.load(Path.of(file));
    Meshgate meshgate = Meshgate.start(config, RepositoryRoot.find());
    out.println("Meshgate listening on " + config.listenHost() + ":" + meshgate.port());
    meshgate.metricsPort().ifPresent(port -> out.println("Metrics on http://" + config.listenHost() + ":" + port
        + "/metrics, health on /health/live and /health/ready"));
    awaitShutdown(meshgate);
    return 0;
  }

  /** Blocks until Ctrl-C (SIGINT/SIGTERM); the shutdown hook closes {@code resource}. */
  static void awaitShutdown(AutoCloseable resource) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        resource.close();
      } catch (Exception e) {
        System.err.println("meshgate: error while stopping: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "meshgate-shutdown"));
    stopped.await();
  }
}
