package io.meshgate.policy.reload;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.util.Objects.requireNonNull;

import io.meshgate.policy.opa.PolicyRevision;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when anything changes in a folder tree. A {@link WatchService} watches one folder, not a
 * tree, so every folder below the root is registered, and folders created later are registered
 * when their creation is seen. Build output and hidden folders are not watched (see {@link
 * PolicyRevision#isIgnoredName}); their changes cannot change the policies. Only a signal, no
 * detail: the reader of the folder decides whether anything relevant changed.
 */
final class DirectoryWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DirectoryWatcher.class);

  private final Path root;
  private final Runnable onChange;
  private final WatchService service;
  private final Map<WatchKey, Path> folders = new ConcurrentHashMap<>();
  private final Thread thread;

  private DirectoryWatcher(Path root, Runnable onChange, WatchService service) {
    this.root = root;
    this.onChange = onChange;
    this.service = service;
    this.thread = Thread.ofPlatform().daemon().name("policy-watch").unstarted(this::loop);
  }

  /**
   * Watches {@code root} and every folder below it; {@code onChange} runs on the watcher's thread
   * after each batch of events, so it must be quick (hand the work to another thread).
   */
  static DirectoryWatcher start(Path root, Runnable onChange) throws IOException {
    requireNonNull(root, "root is null");
    requireNonNull(onChange, "onChange is null");
    WatchService service = root.getFileSystem().newWatchService();
    DirectoryWatcher watcher = new DirectoryWatcher(root, onChange, service);
    try {
      watcher.registerTree(root);
    } catch (IOException | RuntimeException e) {
      service.close();
      throw e;
    }
    watcher.thread.start();
    return watcher;
  }

  /** How many folders are watched, for diagnostics and tests. */
  int watchedFolders() {
    return folders.size();
  }

  @Override
  public void close() {
    try {
      service.close();
    } catch (IOException e) {
      LOG.debug("closing the watch service failed", e);
    }
    try {
      thread.join(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (ClosedWatchServiceException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      Path folder = folders.get(key);
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.kind() == ENTRY_CREATE && folder != null && event.context() instanceof Path name) {
          Path created = folder.resolve(name);
          if (Files.isDirectory(created) && !PolicyRevision.isIgnoredName(name.toString())) {
            try {
              registerTree(created);
            } catch (IOException | RuntimeException e) {
              // The poll fallback still sees changes below it.
              LOG.warn("cannot watch new folder {}: {}", created, e.toString());
            }
          }
        }
      }
      if (!key.reset()) {
        // The folder is gone (deleted or renamed away).
        folders.remove(key);
      }
      try {
        onChange.run();
      } catch (RuntimeException e) {
        LOG.error("policy folder change handler failed", e);
      }
    }
  }

  private void registerTree(Path start) throws IOException {
    Files.walkFileTree(
        start,
        EnumSet.of(FileVisitOption.FOLLOW_LINKS),
        Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path folder, BasicFileAttributes attributes) throws IOException {
            if (!folder.equals(root) && PolicyRevision.isIgnoredName(folder.getFileName().toString())) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            WatchKey key;
            try {
              key = folder.register(service, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
            } catch (ClosedWatchServiceException e) {
              return FileVisitResult.TERMINATE;
            }
            folders.put(key, folder);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException error) {
            // A file that vanished while walking, or a link loop: nothing to watch there.
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
