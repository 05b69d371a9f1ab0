package io.meshgate.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.meshgate.audit.AuditSinkOptions.Fsync;
import io.meshgate.audit.jsonl.ChainHash;
import io.meshgate.audit.jsonl.ChainedLine;
import io.meshgate.audit.jsonl.FirstLineReader;
import io.meshgate.audit.jsonl.LastLineReader;
import io.meshgate.audit.jsonl.RotatedFileName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AuditSink} that appends one JSON object per line to a file, each line chained to
 * the one before by a SHA-256 hash ({@code audit/README.md} defines the format).
 *
 * <p>One dedicated writer thread owns the file. Callers encode their event's fields (JSON, on
 * their own threads, in parallel) and enqueue them; the writer adds the chain (seq, previous
 * hash, hash) in queue order, drains
 * whatever is queued, writes it as one batch, forces it to disk once if {@link Fsync#ALWAYS},
 * and only then completes the batch's futures (group commit). The first I/O error makes the
 * sink unhealthy for good: the batch's futures fail, the bytes of the failed batch are cut off
 * again where possible, and every later append fails at once.
 *
 * <p>Opening a regular file that already holds events continues its chain after the last line.
 * If that line is incomplete (a write torn by a crash) or does not check out, opening fails
 * with {@link AuditException.DamagedLog} instead of starting a chain that would hide the
 * damage. While open, the sink holds an exclusive lock on {@code <file>.lock} next to the log,
 * so two sinks, in this process or another, never interleave lines in it.
 *
 * <p>Before each batch the writer checks the active file against {@link
 * AuditSinkOptions#maxFileBytes()} and {@link AuditSinkOptions#maxFileAge()}; a full or old file
 * is renamed to {@code <name>.<yyyyMMdd'T'HHmmss'Z'>-<seq>.jsonl} (time and seq of its first
 * event, see {@link AuditLog}) and a new file begins. The chain goes on across files: the new
 * file's first line continues the seq and links to the last hash of the file before, so a whole
 * rotated file that goes missing shows as a break, and {@link AuditChainVerifier#verifyAll}
 * checks the log as one chain. Opening an empty or missing active file continues the chain of
 * the newest rotated file.
 *
 * <p>A pipe or device (not a regular file) starts a fresh chain at seq 1 each time it is
 * opened, is never rotated and cannot be forced, so it needs {@link Fsync#NEVER}. Opening a pipe
 * blocks until a reader opens its other end.
 */
public final class JsonLinesAuditSink implements AuditSink {

  private static final Logger LOG = LoggerFactory.getLogger(JsonLinesAuditSink.class);
  /** The longest a force waits for more events of a busy log (see {@link #gather}). */
  private static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
  /** The batch buffer's usual size; one grown past {@link #BATCH_BUFFER_KEPT} is not kept. */
  private static final int BATCH_BUFFER_BYTES = 64 * 1024;
  private static final int BATCH_BUFFER_KEPT = 1024 * 1024;

  // Audit lines hold SQL text and user names: owner reads and writes, a log shipper's group
  // reads, nobody else.
  private static final FileAttribute<?> NEW_FILE_PERMISSIONS =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"));

  private final Path file;
  private final AuditSinkOptions options;
  private final AuditWriteObserver observer;
  // Replaced by each rotation; owned by the writer thread after start.
  private FileChannel channel;
  // Null for pipes and devices, which have no chain to protect.
  private final FileLock lock;
  private final WriterQueue<QueueEntry> queue;
  private final Thread writer;

  // Guards the step from "not closed" to "enqueued", so that nothing is enqueued after the
  // writer has seen the sink closed and drained the queue for the last time.
  private final ReentrantReadWriteLock admission = new ReentrantReadWriteLock();
  private volatile boolean closed;
  private volatile IOException failure;

  private final AtomicLong writtenEvents = new AtomicLong();
  private final AtomicLong failedEvents = new AtomicLong();
  private volatile long lastBatchWriteNanos;
  private final AtomicLong rotations = new AtomicLong();

  // Owned by the writer thread after start.
  private final ChainedLine.Encoder encoder = new ChainedLine.Encoder();
  // A batch's lines, copied into one direct buffer that lives as long as the writer: writing
  // heap buffers makes the JDK copy each into a temporary direct buffer, and a batch of more
  // lines than it keeps cached allocated (and freed) direct memory per line.
  private ByteBuffer batchBuffer = ByteBuffer.allocateDirect(BATCH_BUFFER_BYTES);
  private boolean observerFailureLogged;
  private long lastSeq;
  private String lastHash;
  // Bytes of whole lines in the active file.
  private long committedSize;
  // The active file's first event, which names the file when it is rotated; 0 and null while
  // the file is empty.
  private long fileFirstSeq;
  private Instant fileFirstEventTime;

  private JsonLinesAuditSink(
      Path file,
      AuditSinkOptions options,
      AuditWriteObserver observer,
      FileChannel channel,
      FileLock lock,
      ChainEnd end,
      ActiveFile active) {
    this.file = file;
    this.options = options;
    this.observer = observer;
    this.channel = channel;
    this.lock = lock;
    // Unbounded on purpose: capacity is enforced before a statement starts
    // (acceptsNewStatements), never by dropping the event of one that ran.
    this.queue = new WriterQueue<>();
    this.lastSeq = end.seq();
    this.lastHash = end.hash();
    this.committedSize = active.size();
    this.fileFirstSeq = active.firstSeq();
    this.fileFirstEventTime = active.firstEventTime();
    this.writer =
        Thread.ofPlatform()
            .name("meshgate-audit-writer-" + file.getFileName())
            // Daemon: a process that exits without closing the sink could not be saved by a
            // thread that keeps it alive; the proxy closes the sink on shutdown.
            .daemon(true)
            .unstarted(this::writeUntilClosed);
  }

  /**
   * Opens (creating if needed, with permissions {@code rw-r-----}) a log and starts its writer.
   *
   * @throws AuditException.DamagedLog when the existing log's last line is torn or damaged
   * @throws AuditException.StorageFailure when the file cannot be opened, locked or read, is
   *     already open in another sink, or is not a regular file while {@code fsync} is ALWAYS
   */
  public static JsonLinesAuditSink open(Path file, AuditSinkOptions options) {
    return open(file, options, AuditWriteObserver.NONE);
  }

  /**
   * Opens a log like {@link #open(Path, AuditSinkOptions)}, telling {@code observer} how long
   * each batch and each event took to be written.
   */
  public static JsonLinesAuditSink open(
      Path file, AuditSinkOptions options, AuditWriteObserver observer) {
    requireNonNull(file, "file is null");
    requireNonNull(options, "options is null");
    requireNonNull(observer, "observer is null");
    boolean regularFile = Files.notExists(file) || Files.isRegularFile(file);
    if (!regularFile) {
      return openStream(file, options, observer);
    }
    refuseIfEveryoneMayWrite(file.toAbsolutePath().getParent());
    if (Files.exists(file)) {
      refuseIfEveryoneMayWrite(file);
    }
    boolean writtenBefore = Files.exists(lockFileOf(file));
    FileLock lock = lockExclusively(file);
    FileChannel channel = null;
    try {
      refuseIfDeleted(file, writtenBefore);
      channel = createOrOpen(file);
      LastLineReader.Tail tail = LastLineReader.read(channel);
      ChainEnd end;
      ActiveFile active;
      if (tail.isEmptyFile()) {
        end = continueRotatedChain(file);
        active = ActiveFile.EMPTY;
      } else {
        end = chainEndOf(file, channel, tail);
        active = activeFileOf(file, channel, tail.fileSize());
      }
      channel.position(active.size());
      if (options.fsync() == Fsync.ALWAYS) {
        forceDirectoryOf(file);
      }
      JsonLinesAuditSink sink =
          new JsonLinesAuditSink(file, options, observer, channel, lock, end, active);
      sink.writer.start();
      return sink;
    } catch (IOException cannotOpen) {
      closeQuietly(channel);
      closeQuietly(lock.channel());
      throw new AuditException.StorageFailure(
          "cannot open audit log " + file + ": " + cannotOpen, cannotOpen);
    } catch (RuntimeException refused) {
      closeQuietly(channel);
      closeQuietly(lock.channel());
      throw refused;
    }
  }

  /** Opens with {@link AuditSinkOptions#defaults()}. */
  public static JsonLinesAuditSink open(Path file) {
    return open(file, AuditSinkOptions.defaults());
  }

  private static JsonLinesAuditSink openStream(
      Path file, AuditSinkOptions options, AuditWriteObserver observer) {
    if (options.fsync() == Fsync.ALWAYS) {
      throw new AuditException.StorageFailure(
          file
              + " is not a regular file, and only regular files can be forced to disk;"
              + " use fsync NEVER for pipes and devices",
          null);
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.WRITE);
    } catch (IOException cannotOpen) {
      throw new AuditException.StorageFailure(
          "cannot open audit stream " + file + ": " + cannotOpen, cannotOpen);
    }
    JsonLinesAuditSink sink =
        new JsonLinesAuditSink(
            file,
            options,
            observer,
            channel,
            null,
            new ChainEnd(0, ChainHash.GENESIS),
            ActiveFile.EMPTY);
    sink.writer.start();
    return sink;
  }

  private static FileChannel createOrOpen(Path file) throws IOException {
    // Not APPEND: the writer keeps its own position, which it can move back after a failed
    // batch, and the end of the log is read through the same channel.
    return createWithPermissions(
        file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE));
  }

  /**
   * A log that anyone may write, or in a directory anyone may write, can be rewritten, replaced
   * or deleted by every account on the machine: refused (fail closed) rather than trusted. Where
   * the file system has no POSIX permissions there is nothing to check.
   */
  private static void refuseIfEveryoneMayWrite(Path path) {
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = view.readAttributes().permissions();
    } catch (IOException cannotRead) {
      throw new AuditException.StorageFailure(
          "cannot read the permissions of " + path + ": " + cannotRead, cannotRead);
    }
    if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new AuditException.StorageFailure(
          path + " may be written by anyone (" + PosixFilePermissions.toString(permissions)
              + "), who could rewrite or delete the audit log; restrict it: chmod o-w " + path,
          null);
    }
  }

  /**
   * Locks {@code <file>.lock} rather than the log itself: POSIX drops a process's lock on a
   * file when the process closes any descriptor of that file, so anything in this process
   * that merely reads the log (a verify command, an export) would unlock it.
   */
  private static Path lockFileOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".lock");
  }

  /**
   * A log whose files are all gone, although the lock file a sink leaves next to it shows that
   * one was opened here before, had its history deleted: starting a new chain at seq 1 would
   * hide that. Refused; starting anew is the operator's decision (deleting the lock file too).
   */
  private static void refuseIfDeleted(Path file, boolean writtenBefore) throws IOException {
    if (writtenBefore && Files.notExists(file) && AuditLog.of(file).newestRotated().isEmpty()) {
      Path lockFile = lockFileOf(file);
      throw new AuditException.DamagedLog(
          "audit log "
              + file
              + " and its rotated files are gone, but "
              + lockFile
              + " shows a sink wrote it before: its history was deleted. Restore the files; to"
              + " start a new log (at seq 1) on purpose, delete "
              + lockFile);
    }
  }

  private static FileLock lockExclusively(Path file) {
    Path lockFile = lockFileOf(file);
    FileChannel lockChannel;
    try {
      lockChannel =
          createWithPermissions(
              lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    } catch (IOException cannotOpen) {
      throw new AuditException.StorageFailure(
          "cannot open lock file " + lockFile + ": " + cannotOpen, cannotOpen);
    }
    FileLock lock;
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException alreadyOpen) {
      closeQuietly(lockChannel);
      throw new AuditException.StorageFailure(
          "audit log " + file + " is already open in this process", alreadyOpen);
    } catch (IOException cannotLock) {
      closeQuietly(lockChannel);
      throw new AuditException.StorageFailure(
          "cannot lock " + lockFile + ": " + cannotLock, cannotLock);
    }
    if (lock == null) {
      closeQuietly(lockChannel);
      throw new AuditException.StorageFailure(
          "audit log " + file + " is in use by another process (" + lockFile + " is locked)",
          null);
    }
    return lock;
  }

  private static FileChannel createWithPermissions(Path file, Set<OpenOption> openOptions)
      throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return FileChannel.open(file, openOptions, NEW_FILE_PERMISSIONS);
    }
    return FileChannel.open(file, openOptions);
  }

  /**
   * Where the chain stands for an empty active file: after the newest rotated file, or at the
   * start when there is none.
   */
  private static ChainEnd continueRotatedChain(Path file) throws IOException {
    Optional<RotatedFileName> newest = AuditLog.of(file).newestRotated();
    if (newest.isEmpty()) {
      return new ChainEnd(0, ChainHash.GENESIS);
    }
    Path rotated = newest.get().path();
    try (FileChannel rotatedChannel = FileChannel.open(rotated, StandardOpenOption.READ)) {
      LastLineReader.Tail tail = LastLineReader.read(rotatedChannel);
      if (tail.isEmptyFile()) {
        throw new AuditException.DamagedLog(
            "rotated audit file "
                + rotated
                + " is empty, so the chain of "
                + file
                + " cannot continue from it; run the audit verify command on the whole log");
      }
      return chainEndOf(rotated, rotatedChannel, tail);
    }
  }

  /** Where the chain stands after the last line of a non-empty file, which must check out. */
  private static ChainEnd chainEndOf(Path file, FileChannel channel, LastLineReader.Tail tail)
      throws IOException {
    if (!tail.complete()) {
      throw new AuditException.DamagedLog(
          "audit log "
              + file
              + " ends in an incomplete line "
              + LastLineReader.lineNumberAt(channel, tail.lastLineStart())
              + " (from byte "
              + tail.lastLineStart()
              + ", no end of line), most likely a write torn by a crash. Verify the rest with"
              + " the audit verify command; with fsync ALWAYS no event on that line was"
              + " reported written, so cut it off to continue: truncate -s "
              + tail.lastLineStart()
              + " "
              + file);
    }
    String problem;
    try {
      ChainedLine.Decoded last = ChainedLine.decode(tail.lastLine());
      if (last.hashMatches() && last.seq() >= 1) {
        return new ChainEnd(last.seq(), last.hash());
      }
      problem = last.hashMatches() ? "seq " + last.seq() + " is not positive" : "hash mismatch";
    } catch (ChainedLine.MalformedLineException malformed) {
      problem = malformed.getMessage();
    }
    // Counting lines reads the whole file, which only a damaged log is worth.
    throw new AuditException.DamagedLog(
        "audit log "
            + file
            + ": the chain cannot continue from its last line "
            + LastLineReader.lineNumberAt(channel, tail.lastLineStart())
            + " ("
            + problem
            + "); run the audit verify command to find the first damaged line");
  }

  /**
   * The size and first event of a non-empty active file. Its last line has checked out, so its
   * first line is complete; only its seq and time are needed, to name the file on rotation.
   */
  private static ActiveFile activeFileOf(Path file, FileChannel channel, long size)
      throws IOException {
    byte[] firstLine = FirstLineReader.read(channel).orElseThrow();
    String problem;
    try {
      JsonNode first = ChainedLine.parse(firstLine);
      JsonNode seq = first.get("seq");
      JsonNode time = first.get("time");
      if (seq != null && seq.isIntegralNumber() && seq.canConvertToLong() && seq.longValue() >= 1
          && time != null && time.isTextual()) {
        return new ActiveFile(size, seq.longValue(), Instant.parse(time.textValue()));
      }
      problem = "no valid seq or time";
    } catch (ChainedLine.MalformedLineException malformed) {
      problem = malformed.getMessage();
    } catch (DateTimeParseException malformedTime) {
      problem = "time is not an RFC 3339 time";
    }
    throw new AuditException.DamagedLog(
        "audit log "
            + file
            + ": its first line cannot be read ("
            + problem
            + "), and rotation names a file after the seq and time of its first event; run the"
            + " audit verify command to find the damaged lines");
  }

  // A new file's name only survives a crash once its directory is forced too.
  private static void forceDirectoryOf(Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    try (FileChannel directoryChannel = FileChannel.open(directory, StandardOpenOption.READ)) {
      directoryChannel.force(true);
    }
  }

  @Override
  public CompletableFuture<Void> append(AuditEvent event) {
    requireNonNull(event, "event is null");
    IOException failed = failure;
    if (failed != null) {
      return refuse(unhealthy(failed));
    }
    ChainedLine.EventFields fields;
    try {
      // On the caller's thread, so that callers on many threads encode in parallel and the one
      // writer thread is left the chain (seq, hash) and the I/O.
      fields = ChainedLine.encodeFields(event);
    } catch (RuntimeException unencodable) {
      // A validated event always encodes; should one not, only it is lost, not the sink.
      return refuse(new AuditException.StorageFailure("cannot encode audit event", unencodable));
    }
    CompletableFuture<Void> written = new CompletableFuture<>();
    admission.readLock().lock();
    try {
      if (closed) {
        return refuse(new AuditException.Closed());
      }
      queue.add(new Append(fields, event.time(), written, System.nanoTime()));
    } finally {
      admission.readLock().unlock();
    }
    return written;
  }

  @Override
  public boolean isHealthy() {
    return failure == null && !closed;
  }

  @Override
  public boolean acceptsNewStatements() {
    return isHealthy() && queue.size() < options.queueCapacity();
  }

  @Override
  public int queueDepth() {
    return queue.size();
  }

  @Override
  public long writtenEvents() {
    return writtenEvents.get();
  }

  @Override
  public long failedEvents() {
    return failedEvents.get();
  }

  @Override
  public Duration lastBatchWriteLatency() {
    return Duration.ofNanos(lastBatchWriteNanos);
  }

  /** The log this sink writes. */
  public Path file() {
    return file;
  }

  /** The log this sink writes, with the files it rotated away. */
  public AuditLog log() {
    return AuditLog.of(file);
  }

  /** Files rotated away since the sink was opened. */
  public long rotations() {
    return rotations.get();
  }

  /**
   * Stops accepting events, waits until the writer has written everything accepted before, and
   * releases the file. Called on the writer thread itself (from a continuation of a future), it
   * cannot wait and returns at once; the writer still finishes the queue.
   */
  @Override
  public void close() {
    admission.writeLock().lock();
    try {
      closed = true;
    } finally {
      admission.writeLock().unlock();
    }
    if (Thread.currentThread() == writer) {
      return;
    }
    // Wakes the writer wherever it waits (for a first event, or gathering a batch); it stops
    // once it finds the queue empty.
    queue.add(Wake.INSTANCE);
    LockSupport.unpark(writer);
    joinUninterruptibly(writer);
  }

  private void writeUntilClosed() {
    List<QueueEntry> drained = new ArrayList<>();
    List<Append> batch = new ArrayList<>();
    int lastBatchSize = 0;
    try {
      do {
        // Only close() stops the writer, and it wakes it with an entry; anything else that
        // returns early (an interrupt, a stray unpark) just finds the queue empty and waits again.
        queue.awaitSize(1, Long.MAX_VALUE);
        Thread.interrupted();
        queue.drainTo(drained);
        if (options.fsync() == Fsync.ALWAYS) {
          gather(drained, lastBatchSize);
        }
        for (QueueEntry entry : drained) {
          switch (entry) {
            case Append append -> batch.add(append);
            case Wake wake -> {}
          }
        }
        drained.clear();
        if (!batch.isEmpty()) {
          lastBatchSize = batch.size();
          writeBatchSafely(batch);
          batch.clear();
        }
      } while (!(closed && queue.isEmpty()));
    } finally {
      release();
    }
  }

  /**
   * Waits a little for more events before forcing, when the last batch was larger than what is
   * queued now: with many sessions, the events of the sessions whose answers the last force
   * released arrive a round trip later, and each force they miss is one more force (the largest
   * cost per event, in processor time as well as in waiting) for a handful of events. The wait
   * ends as soon as as many events as in the last batch are queued, or after {@link
   * #GATHER_NANOS}; one session alone (a last batch of one) never waits.
   */
  private void gather(List<QueueEntry> drained, int lastBatchSize) {
    if (!closed) {
      gather(queue, drained, lastBatchSize, GATHER_NANOS, entry -> entry instanceof Wake);
    }
  }

  /**
   * Moves entries from {@code queue} to {@code drained} until it holds {@code target} entries,
   * {@code nanos} have passed, or an entry {@code endsWait} arrives (a close). Never throws.
   * The queue wakes this thread only when the target is reached, not per entry.
   */
  static <T> void gather(WriterQueue<T> queue, List<T> drained, int target, long nanos, Predicate<T> endsWait) {
    long deadline = System.nanoTime() + nanos;
    while (true) {
      int before = drained.size();
      queue.drainTo(drained);
      for (int index = before; index < drained.size(); index++) {
        if (endsWait.test(drained.get(index))) {
          return;
        }
      }
      long remaining = deadline - System.nanoTime();
      if (drained.size() >= target || remaining <= 0) {
        return;
      }
      queue.awaitSize(target - drained.size(), remaining);
      // Only close() stops the writer, and it does not interrupt; a stray interrupt must not
      // make every later park return at once.
      Thread.interrupted();
    }
  }

  private void writeBatchSafely(List<Append> batch) {
    try {
      writeBatch(batch);
    } catch (RuntimeException | Error unexpected) {
      // Nothing may leave a future hanging: after an unexpected failure the state of the file
      // is unknown, so the sink stops writing like after an I/O error.
      IOException cause = new IOException("audit writer failed unexpectedly", unexpected);
      failure = cause;
      cutOffFailedBatch();
      failAll(batch, cause);
      LOG.error("Audit writer for {} failed; refusing further events", file, unexpected);
    }
  }

  private void writeBatch(List<Append> batch) {
    IOException failed = failure;
    if (failed != null) {
      failAll(batch, failed);
      return;
    }
    if (rotationDue()) {
      try {
        rotate();
      } catch (IOException rotationFailed) {
        // Rotation is part of writing: a log that cannot start its next file cannot take the
        // batch either, and stays refused like after any other I/O error.
        failure = rotationFailed;
        cutOffFailedBatch();
        failAll(batch, rotationFailed);
        LOG.error("Rotating audit log {} failed; refusing further events", file, rotationFailed);
        return;
      }
    }
    // The fields were encoded by the callers; only the chain is left, in queue order.
    List<Append> encoded = batch;
    ByteBuffer lines = batchBuffer;
    lines.clear();
    long seq = lastSeq;
    String hash = lastHash;
    long batchBytes = 0;
    for (Append append : batch) {
      ChainedLine.Encoded line = encoder.encode(seq + 1, hash, append.fields());
      seq++;
      hash = line.hash();
      lines = room(lines, line.bytes().length);
      lines.put(line.bytes());
      batchBytes += line.bytes().length;
    }
    // An interrupt would close the channel in the middle of a write; nobody should interrupt
    // this thread, but a stray one must not cost the log.
    Thread.interrupted();
    long started = System.nanoTime();
    try {
      lines.flip();
      while (lines.hasRemaining()) {
        channel.write(lines);
      }
      if (options.fsync() == Fsync.ALWAYS) {
        // Metadata too: the file's new length is what makes the appended bytes reachable.
        channel.force(true);
      }
    } catch (IOException writeFailed) {
      failure = writeFailed;
      cutOffFailedBatch();
      failAll(encoded, writeFailed);
      LOG.error("Writing audit log {} failed; refusing further events", file, writeFailed);
      return;
    }
    if (batchBuffer.capacity() > BATCH_BUFFER_KEPT) {
      // A batch of huge statements need not hold its memory for the life of the writer.
      batchBuffer = ByteBuffer.allocateDirect(BATCH_BUFFER_BYTES);
    }
    long writtenAt = System.nanoTime();
    long writeNanos = writtenAt - started;
    lastBatchWriteNanos = writeNanos;
    if (fileFirstSeq == 0) {
      fileFirstSeq = lastSeq + 1;
      fileFirstEventTime = encoded.get(0).eventTime();
    }
    lastSeq = seq;
    lastHash = hash;
    committedSize += batchBytes;
    writtenEvents.addAndGet(encoded.size());
    // Before the futures complete, so that a client that has its answer finds it counted.
    observe(encoded, writeNanos, writtenAt);
    for (Append append : encoded) {
      append.written().complete(null);
    }
  }

  /** {@code buffer}, or a larger copy of it, with room for {@code bytes} more. */
  private ByteBuffer room(ByteBuffer buffer, int bytes) {
    if (buffer.remaining() >= bytes) {
      return buffer;
    }
    ByteBuffer larger = ByteBuffer.allocateDirect(Math.max(buffer.capacity() * 2, buffer.position() + bytes));
    buffer.flip();
    larger.put(buffer);
    batchBuffer = larger;
    return larger;
  }

  private void observe(List<Append> written, long writeNanos, long writtenAt) {
    try {
      observer.batchWritten(written.size(), writeNanos);
      for (Append append : written) {
        observer.eventWritten(writtenAt - append.appendedNanos());
      }
    } catch (RuntimeException observerFailed) {
      // Once: a broken observer fails on every batch, and the log is fine either way.
      if (!observerFailureLogged) {
        observerFailureLogged = true;
        LOG.warn(
            "Audit write observer failed (logged once); the events are written", observerFailed);
      }
    }
  }

  private boolean rotationDue() {
    // Pipes and devices cannot be renamed; an empty file has nothing to rotate.
    if (lock == null || committedSize == 0) {
      return false;
    }
    if (committedSize >= options.maxFileBytes()) {
      return true;
    }
    return Duration.between(fileFirstEventTime, Instant.now()).compareTo(options.maxFileAge())
        >= 0;
  }

  /**
   * Renames the active file after its first event and starts an empty one under the active
   * name. Every written batch is already forced (with fsync ALWAYS), so the renamed file is
   * complete; forcing the directory makes both the new name and the new file survive a crash. A
   * crash between the rename and the new file leaves no active file, and the next open
   * continues the chain from the renamed one.
   */
  private void rotate() throws IOException {
    Path rotated = RotatedFileName.of(file, fileFirstEventTime, fileFirstSeq).path();
    // rename(2) would silently replace an existing file, and an audit file is never replaced.
    if (Files.exists(rotated, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(
          rotated.toString(), null, "a rotated audit file of that name already exists");
    }
    Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
    FileChannel next =
        createWithPermissions(
            file,
            Set.of(
                StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE));
    FileChannel previous = channel;
    channel = next;
    committedSize = 0;
    fileFirstSeq = 0;
    fileFirstEventTime = null;
    try {
      previous.close();
    } catch (IOException closeFailed) {
      // Its lines were written (and forced) before; closing has nothing left to lose.
      LOG.warn("Closing rotated audit file {} failed", rotated, closeFailed);
    }
    if (options.fsync() == Fsync.ALWAYS) {
      forceDirectoryOf(file);
    }
    rotations.incrementAndGet();
    LOG.info("Rotated audit log {} to {}", file, rotated.getFileName());
  }

  // The failed batch's futures fail, so its lines (or a torn part of one) should not stay in
  // the log either; if this fails too, reopening reports the torn line.
  private void cutOffFailedBatch() {
    if (lock == null) {
      return;
    }
    try {
      channel.truncate(committedSize);
      channel.position(committedSize);
    } catch (IOException alsoFailed) {
      LOG.warn("Could not cut the failed batch off audit log {}", file, alsoFailed);
    }
  }

  private void failAll(List<Append> batch, IOException cause) {
    for (Append append : batch) {
      // Only this thread completes these futures, so the check cannot race; counting first
      // means whoever sees the future fail also sees it counted.
      if (!append.written().isDone()) {
        failedEvents.incrementAndGet();
        append.written().completeExceptionally(unhealthy(cause));
      }
    }
  }

  private AuditException.StorageFailure unhealthy(IOException cause) {
    return new AuditException.StorageFailure(
        "cannot write audit log " + file + ": " + cause, cause);
  }

  private CompletableFuture<Void> refuse(AuditException reason) {
    failedEvents.incrementAndGet();
    return CompletableFuture.failedFuture(reason);
  }

  private void release() {
    try {
      channel.close();
    } catch (IOException closeFailed) {
      LOG.warn("Closing audit log {} failed", file, closeFailed);
    }
    if (lock != null) {
      // Closing the lock file's channel releases the lock.
      closeQuietly(lock.channel());
    }
  }

  private static void joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          thread.join();
          return;
        } catch (InterruptedException interruption) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(Channel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // Already failing or closing; nothing better to do with it.
    }
  }

  /** Where the chain stands: the last seq and hash. */
  private record ChainEnd(long seq, String hash) {}

  /** The active file: its size, and its first event (0 and null while empty). */
  private record ActiveFile(long size, long firstSeq, Instant firstEventTime) {
    static final ActiveFile EMPTY = new ActiveFile(0, 0, null);
  }

  private sealed interface QueueEntry permits Append, Wake {}

  /**
   * An event's encoded fields, its time, its caller's future, and when it was appended ({@link
   * System#nanoTime()}).
   */
  private record Append(
      ChainedLine.EventFields fields,
      Instant eventTime,
      CompletableFuture<Void> written,
      long appendedNanos)
      implements QueueEntry {}

  /** Only wakes the writer so that it notices the sink was closed. */
  private enum Wake implements QueueEntry {
    INSTANCE
  }
}
