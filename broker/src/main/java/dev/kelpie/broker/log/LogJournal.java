package dev.kelpie.broker.log;

import com.sun.nio.file.ExtendedOpenOption;
import dev.kelpie.broker.common.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of one log dir: under {@code flush.policy=sync} every append is also written here, and one fsync of
 * the journal makes the appends of every partition that arrived meanwhile durable (group commit across
 * partitions). The segments themselves stay in the page cache until the journal needs their space back. Why:
 * each fsync costs a fixed amount of CPU and device round trips, and fsyncing each partition's segment gave a
 * produce request one fsync per partition it wrote ({@code docs/decisions/sync-journal.md}).
 *
 * <h2>Files</h2>
 * {@code <log dir>/.journal/<sequence, 20 digits>.journal}, written in sequence order by one writer thread; a file
 * is sealed once it holds {@link Settings#fileBytesMax()} and the next one is created (and the directory fsynced)
 * before any entry goes into it. Each file is a run of entries:
 * <pre>
 *   int32  crc            CRC-32C of the header bytes after this field (topicLength .. topic)
 *   int16  topicLength
 *   int64  sequence       the file's sequence: blocks left over from an earlier file end the file on replay
 *   int64  generation     the log's journal generation ({@link PartitionCheckpoint}) when the entry was written
 *   int32  partition
 *   int32  recordsLength
 *   bytes  topic          UTF-8
 *   bytes  records        the batches exactly as appended to the segment; their own CRC-32C covers them
 * </pre>
 * Big-endian. An entry whose header or batches do not check out ends its file: it is the tail of a pass whose
 * fsync never completed, so nothing in it was acknowledged.
 *
 * <p>The files are written with {@code O_DIRECT} where the file system allows it, so every pass starts and ends on
 * a block boundary of the file system: a pass that ends inside a block is completed by a <em>padding entry</em>, a
 * header with {@code topicLength} 0, partition -1 and {@code recordsLength} the bytes to skip (their content is
 * undefined), at least a header long. Why direct: the journal is written once and read only after a crash, so
 * copying it into the page cache and having the fsync write it back cost CPU for nothing; the segments stay in the
 * page cache for the readers. A pass never rewrites a block an earlier pass wrote, so a torn write cannot take
 * acknowledged entries with it. Where {@code O_DIRECT} is refused (tmpfs), the files are written through the page
 * cache, the block is one byte and there is no padding.
 *
 * <h2>Lifecycle of an append</h2>
 * <pre>
 *   pending  (encoded into the pending buffer by the appending thread; header CRC and sequence still blank)
 *   written  (the writer swapped the buffers, stamped the headers, wrote the pass, fsynced the file once)
 *   durable  ({@link SegmentedLog#journalDurable}: the log's durability waiters up to the entry's end complete)
 * </pre>
 * The writer takes the pending buffer once no append is on its way to a log ({@link InboundAppends}), or after
 * {@link Settings#gatherUsMax()}: the partitions of one produce request then share a pass.
 *
 * <p>A sealed file is freed once every log with entries in it has fsynced its segments past them, or has closed,
 * or has been truncated since (a new generation). The writer asks those logs for that segment flush
 * ({@link SegmentedLog#requestSegmentFlush}) once the file has been sealed for {@link Settings#sealedFlushDelayMs()},
 * by when the kernel has usually written the pages back itself, or at once while the sealed files hold more than
 * {@link Settings#bytesMax()}. A freed file is renamed to a later sequence and overwritten from its start when the
 * journal next needs a file (or deleted, beyond the byte budget): what follows the new entries is left from its
 * earlier use, and its entries carry the old sequence, so replay stops there.
 *
 * <h2>Recovery</h2>
 * {@link #open} replays the files in sequence order after the logs were loaded: an entry of a log that exists with
 * the same generation is appended where it continues the log end ({@link SegmentedLog#replayJournal}), skipped
 * where the segment already holds it; then the replayed logs are flushed and the old files deleted.
 *
 * <p>Limits: the pending buffer grows to fit one entry, and beyond {@link Settings#pendingBytesMax()} appends wait
 * for the writer's next pass (back-pressure onto the partition owner threads).
 *
 * <p>Thread-safety: {@link #append} from any thread (partition owners); the files belong to the writer thread.
 */
public final class LogJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogJournal.class);
    static final String DIR_NAME = ".journal";
    static final String SUFFIX = ".journal";
    /** crc, topicLength, sequence, generation, partition, recordsLength. */
    static final int FIXED_HEADER_BYTES = 4 + 2 + 8 + 8 + 4 + 4;
    private static final int INITIAL_PENDING_BYTES = 1 << 20;
    /** The alignment under O_DIRECT when the file system does not report a usable block size. */
    private static final int DEFAULT_BLOCK_BYTES = 4096;
    private static final long IDLE_CHECK_MS = 100;
    /** Default of {@link Settings#gatherUsMax()}. */
    private static final long DEFAULT_GATHER_US_MAX = 2_000;

    /**
     * @param enabled whether logs under {@code flush.policy=sync} use a journal (otherwise each log fsyncs its
     *     own segment per group commit)
     * @param fileBytesMax a journal file is sealed once it holds this much
     * @param bytesMax while sealed files hold more than this, their logs' segment flushes are requested at once
     * @param sealedFlushDelayMs how long a sealed file waits before its logs' segment flushes are requested
     * @param pendingBytesMax appends wait while this much is pending and the entry does not fit
     * @param gatherUsMax how long a pass may wait for the appends still on their way ({@link InboundAppends});
     *     0 = a pass starts as soon as anything is pending
     */
    public record Settings(boolean enabled, long fileBytesMax, long bytesMax, long sealedFlushDelayMs,
            int pendingBytesMax, long gatherUsMax) {
        public Settings {
            if (fileBytesMax < 1 || bytesMax < 0 || sealedFlushDelayMs < 0 || pendingBytesMax < 1 || gatherUsMax < 0) {
                throw new IllegalArgumentException("Journal settings out of range: " + fileBytesMax + ", " + bytesMax
                        + ", " + sealedFlushDelayMs + ", " + pendingBytesMax + ", " + gatherUsMax);
            }
        }

        /**
         * On; 8 MiB files; a 2 GiB budget of sealed files whose logs' segments wait 30 s (the kernel's
         * dirty_expire_centisecs) before they are fsynced; 64 MiB pending. Why a budget: within it the kernel
         * writes the segments back on its own schedule, as it does for a broker that never fsyncs, and the fsync
         * that frees a file then finds clean pages; fsyncing each file's segments as it was sealed cost the
         * broker CPU for that write-back (bench/RESULTS.md, tenth comparison: acks=all CPU per GiB 0.95 of Kafka
         * against 1.09). Why it is safe now: the files are written with O_DIRECT, so the budget is disk, not page
         * cache (with 2 GiB of journal in the page cache the CPU per GiB rose, sixth comparison). Why 8 MiB files:
         * beyond the budget, a file's worth of segments is fsynced at a time, a few MiB, not a burst that the
         * journal's fsyncs would queue behind (64 MiB files made the fixed-rate p99 ten times worse).
         */
        public static Settings defaults() {
            return new Settings(true, 8L << 20, 2L << 30, 30_000, 64 << 20, DEFAULT_GATHER_US_MAX);
        }

        public Settings withEnabled(boolean on) {
            return new Settings(on, fileBytesMax, bytesMax, sealedFlushDelayMs, pendingBytesMax, gatherUsMax);
        }

        /**
         * These settings with the budget cut to a tenth of a file system of {@code diskBytes} (unknown when not
         * positive): a small volume must not fill up with journal files and take every log offline.
         */
        public Settings withinDisk(long diskBytes) {
            long tenth = diskBytes / 10;
            if (diskBytes <= 0 || bytesMax <= tenth) {
                return this;
            }
            return new Settings(enabled, fileBytesMax, tenth, sealedFlushDelayMs, pendingBytesMax, gatherUsMax);
        }

    }

    /** An entry waiting for its pass: where its header starts in the pending buffer, and what it completes. */
    private record Completion(SegmentedLog log, long generation, long endOffset, int headerPosition,
            int topicLength) {}

    /** A sealed file and, per log with entries in it, its last entry there (generation and end offset). */
    private record SealedFile(Path path, long bytes, long sealedAtMs, Map<SegmentedLog, Completion> lastEntries) {}

    private final Path dir;
    private final Settings settings;
    private final Clock clock;
    private final LogMetrics metrics;
    private final InboundAppends inbound;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition pendingOrClosed = lock.newCondition();
    private final Condition room = lock.newCondition();
    /** The writes' alignment: the file system's block size under O_DIRECT, else 1. */
    private final int blockBytes;
    private final boolean direct;
    /** Bytes every pending buffer keeps free beyond its limit for the padding entry that ends a pass. */
    private final int paddingReserve;
    /** Guarded by lock. */
    private ByteBuffer pending;
    private ByteBuffer spare;
    private List<Completion> completions = new ArrayList<>();
    private boolean closed;
    private IOException failure;
    // the writer thread's own state
    private final Thread writer;
    private final CRC32C crc = new CRC32C();
    private final ArrayDeque<SealedFile> sealed = new ArrayDeque<>();
    /** Files no log needs any more, kept for reuse (their entries have older sequences than any later name). */
    private final ArrayDeque<Path> freeFiles = new ArrayDeque<>();
    private Map<SegmentedLog, Completion> currentEntries = new HashMap<>();
    private FileChannel channel;
    private Path currentPath;
    private long sequence;
    private long position;
    private long sealedBytes;
    /** How many of the oldest sealed files have had their logs' segment flushes requested. */
    private int flushRequestedFiles;

    private LogJournal(Path dir, Settings settings, Clock clock, LogMetrics metrics, InboundAppends inbound,
            boolean direct, int blockBytes, long sequence) throws IOException {
        this.dir = dir;
        this.settings = settings;
        this.clock = clock;
        this.metrics = metrics;
        this.inbound = inbound;
        this.sequence = sequence;
        this.direct = direct;
        this.blockBytes = blockBytes;
        this.paddingReserve = FIXED_HEADER_BYTES + blockBytes;
        this.pending = newPendingBuffer(INITIAL_PENDING_BYTES);
        this.spare = newPendingBuffer(INITIAL_PENDING_BYTES);
        openCurrent();
        this.writer = new Thread(this::run, "kelpie-log-journal");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Replays the journal of {@code logDir} into its loaded logs, flushes the logs it extended, deletes the old
     * files and starts a fresh journal.
     *
     * @param logs the loaded logs of this log dir by partition
     * @param inbound the appends on their way to the logs, which a pass waits for ({@link Settings#gatherUsMax()})
     */
    public static LogJournal open(Path logDir, Map<org.apache.kafka.common.TopicPartition, SegmentedLog> logs,
            Settings settings, Clock clock, LogMetrics metrics, InboundAppends inbound) throws IOException {
        Path dir = logDir.resolve(DIR_NAME);
        Files.createDirectories(dir);
        JournalReplay.Result replayed = JournalReplay.replay(dir, logs);
        boolean allFlushed = true;
        for (SegmentedLog log : replayed.extendedLogs()) {
            try {
                log.flush();
            } catch (org.apache.kafka.common.errors.KafkaStorageException e) {
                allFlushed = false; // the log went offline and said why; the next start replays these files again
            }
        }
        if (allFlushed) {
            for (Path old : replayed.files()) {
                Files.delete(old);
            }
        }
        AtomicFiles.fsyncDirectory(dir);
        if (replayed.entriesApplied() > 0 || replayed.files().size() > 1) {
            LOG.info("Journal of {}: {} files, {} entries appended to {} logs", logDir, replayed.files().size(),
                    replayed.entriesApplied(), replayed.extendedLogs().size());
        }
        FileStore store = Files.getFileStore(dir);
        Settings bounded = settings.withinDisk(store.getTotalSpace());
        if (bounded.bytesMax() < settings.bytesMax()) {
            LOG.info("The journal of {} keeps at most {} bytes of sealed files, a tenth of its file system, rather "
                    + "than kelpie.log.journal.bytes.max={}", logDir, bounded.bytesMax(), settings.bytesMax());
        }
        boolean direct = supportsDirectIo(dir);
        return new LogJournal(dir, bounded, clock, metrics, inbound, direct, direct ? blockBytesOf(store) : 1,
                replayed.lastSequence() + 1);
    }

    static boolean supportsDirectIo(Path dir) {
        Path probe = dir.resolve(".direct-io-probe");
        try {
            FileChannel.open(probe, StandardOpenOption.CREATE, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)
                    .close();
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.info("The file system of {} refuses O_DIRECT ({}): the journal is written through the page cache",
                    dir, e.toString());
            return false;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                LOG.warn("Cannot delete {}", probe, e);
            }
        }
    }

    private static int blockBytesOf(FileStore store) {
        try {
            long bytes = store.getBlockSize();
            return bytes > 0 && bytes <= 1 << 16 && Long.bitCount(bytes) == 1 ? (int) bytes : DEFAULT_BLOCK_BYTES;
        } catch (IOException | UnsupportedOperationException e) {
            return DEFAULT_BLOCK_BYTES;
        }
    }

    /** A direct buffer aligned to the block size whose limit leaves {@link #paddingReserve} bytes free. */
    private ByteBuffer newPendingBuffer(long usableBytes) {
        long total = (usableBytes + paddingReserve + blockBytes - 1) / blockBytes * blockBytes;
        if (total + blockBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("A journal entry of " + usableBytes + " bytes cannot be buffered");
        }
        return emptied(ByteBuffer.allocateDirect((int) (total + blockBytes)).alignedSlice(blockBytes));
    }

    /** {@code buffer} cleared for a pass's entries, its last {@link #paddingReserve} bytes beyond its limit. */
    private ByteBuffer emptied(ByteBuffer buffer) {
        return buffer.clear().limit(buffer.capacity() - paddingReserve);
    }

    /**
     * Writes an entry header at {@code at}, its CRC and sequence blank (the writer stamps them,
     * {@link #stampHeader}).
     */
    private static void putHeader(ByteBuffer buffer, int at, int topicLength, long generation, int partition,
            int recordsLength) {
        buffer.putInt(at, 0).putShort(at + 4, (short) topicLength).putLong(at + 6, 0).putLong(at + 14, generation)
                .putInt(at + 22, partition).putInt(at + 26, recordsLength);
    }

    /** The file name of sequence {@code sequence}. */
    static String fileName(long sequence) {
        return String.format("%020d", sequence) + SUFFIX;
    }

    // ---------------------------------------------------------------- appending threads

    /**
     * Queues {@code records}, just appended to {@code log}'s segment, for the next pass; the pass then completes
     * the log's durability waiters up to {@code endOffset}.
     *
     * @throws UncheckedIOException when the journal failed or is closed (the log then goes offline)
     */
    void append(SegmentedLog log, long generation, MemoryRecords records, long endOffset) {
        ByteBuffer batches = records.buffer();
        byte[] topic = log.topicUtf8();
        int entryBytes = FIXED_HEADER_BYTES + topic.length + batches.remaining();
        lock.lock();
        try {
            awaitRoom(entryBytes);
            boolean wasEmpty = pending.position() == 0;
            int header = pending.position();
            putHeader(pending, header, topic.length, generation, log.topicPartition().partition(),
                    batches.remaining());
            pending.position(header + FIXED_HEADER_BYTES).put(topic).put(batches);
            completions.add(new Completion(log, generation, endOffset, header, topic.length));
            if (wasEmpty) {
                pendingOrClosed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds lock: waits until the entry fits (growing the buffer when it alone does not). */
    private void awaitRoom(int entryBytes) {
        while (true) {
            if (failure != null) {
                throw new UncheckedIOException("The log journal in " + dir + " failed", failure);
            }
            if (closed) {
                throw new UncheckedIOException(new IOException("The log journal in " + dir + " is closed"));
            }
            if (pending.remaining() >= entryBytes) {
                return;
            }
            long needed = (long) pending.position() + entryBytes;
            // the writer itself appends when a completion it runs appends (group coordinator): it must not wait
            if (pending.position() == 0 || needed <= settings.pendingBytesMax() || Thread.currentThread() == writer) {
                grow(needed);
                return;
            }
            room.awaitUninterruptibly();
        }
    }

    private void grow(long needed) {
        long capacity = Math.max(needed, Math.min(2L * pending.capacity(), settings.pendingBytesMax()));
        ByteBuffer bigger = newPendingBuffer(capacity);
        pending.flip();
        bigger.put(pending);
        pending = bigger;
    }

    // ---------------------------------------------------------------- writer thread

    private void run() {
        while (true) {
            try {
                if (!runPass()) {
                    return;
                }
            } catch (RuntimeException e) {
                // a bug, not an I/O failure: the appenders must not hang on a dead writer
                LOG.error("The log journal writer in {} hit an unexpected error", dir, e);
            }
        }
    }

    /**
     * Takes what is pending, once the appends on their way have joined it (or {@link Settings#gatherUsMax()} has
     * passed), writes and fsyncs it, completes it; false once closed and drained.
     */
    private boolean runPass() {
        int pendingBytes;
        try {
            pendingBytes = awaitPending();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (pendingBytes < 0) {
            return false;
        }
        if (pendingBytes > 0) {
            inbound.awaitArrivals(TimeUnit.MICROSECONDS.toNanos(settings.gatherUsMax()));
        }
        ByteBuffer buffer;
        List<Completion> pass;
        lock.lock();
        try {
            buffer = pending;
            pass = completions;
            pending = spare;
            spare = null;
            completions = new ArrayList<>();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (!pass.isEmpty()) {
                writePass(buffer, pass);
            }
        } finally {
            emptied(buffer);
            lock.lock();
            try {
                spare = buffer;
            } finally {
                lock.unlock();
            }
        }
        reclaimSealed();
        return true;
    }

    /**
     * Waits until something is pending or the idle check is due.
     *
     * @return the bytes pending (0 for the idle check), or -1 once closed with nothing pending
     */
    private int awaitPending() throws InterruptedException {
        lock.lock();
        try {
            if (pending.position() == 0) {
                if (closed) {
                    return -1;
                }
                pendingOrClosed.await(IDLE_CHECK_MS, TimeUnit.MILLISECONDS);
            }
            return pending.position();
        } finally {
            lock.unlock();
        }
    }

    private void writePass(ByteBuffer buffer, List<Completion> pass) {
        try {
            if (position >= settings.fileBytesMax()) {
                roll();
            }
            stampHeaders(buffer, pass);
            padToBlock(buffer);
            buffer.flip();
            int bytes = buffer.remaining();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            long startNs = clock.monotonicNs();
            channel.force(false);
            metrics.fsync(clock.monotonicNs() - startNs);
            position += bytes;
        } catch (IOException | RuntimeException e) {
            fail(pass, e instanceof IOException io ? io : new IOException(e));
            return;
        }
        Map<SegmentedLog, Completion> lastPerLog = new LinkedHashMap<>();
        for (Completion c : pass) {
            lastPerLog.put(c.log(), c);
        }
        for (Completion c : lastPerLog.values()) {
            currentEntries.put(c.log(), c);
            c.log().journalDurable(c.generation(), c.endOffset());
        }
    }

    /** Fills in each entry's sequence and header CRC, which the appending threads left blank. */
    private void stampHeaders(ByteBuffer buffer, List<Completion> pass) {
        for (Completion c : pass) {
            stampHeader(buffer, c.headerPosition(), c.topicLength());
        }
    }

    private void stampHeader(ByteBuffer buffer, int at, int topicLength) {
        buffer.putLong(at + 6, sequence);
        ByteBuffer covered = buffer.duplicate();
        covered.limit(at + FIXED_HEADER_BYTES + topicLength).position(at + 4);
        crc.reset();
        crc.update(covered);
        buffer.putInt(at, (int) crc.getValue());
    }

    /** Ends the pass on a block boundary with a padding entry (the buffer's reserve has room for it). */
    private void padToBlock(ByteBuffer buffer) {
        int end = buffer.position();
        if (end % blockBytes == 0) {
            return;
        }
        int padded = (end + FIXED_HEADER_BYTES + blockBytes - 1) / blockBytes * blockBytes;
        buffer.limit(padded);
        putHeader(buffer, end, 0, 0, -1, padded - end - FIXED_HEADER_BYTES);
        stampHeader(buffer, end, 0);
        buffer.position(padded);
    }

    private void fail(List<Completion> pass, IOException e) {
        lock.lock();
        try {
            if (failure == null) {
                failure = e;
                LOG.error("The log journal in {} failed; the logs appending to it go offline", dir, e);
            }
            room.signalAll();
        } finally {
            lock.unlock();
        }
        for (Completion c : pass) {
            c.log().journalFailed(e);
        }
    }

    /**
     * Starts the file of the current sequence: a file freed earlier, renamed, when there is one (overwriting pages
     * still in the page cache costs a fraction of writing new ones, and its fsyncs change no file metadata), else a
     * new file. Either way the directory is fsynced before any entry goes in.
     */
    private void openCurrent() throws IOException {
        currentPath = dir.resolve(fileName(sequence));
        Path reused = freeFiles.pollFirst();
        if (reused != null) {
            Files.move(reused, currentPath, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        Set<OpenOption> options = new HashSet<>(List.of(StandardOpenOption.WRITE));
        if (reused == null) {
            options.add(StandardOpenOption.CREATE_NEW);
        }
        if (direct) {
            options.add(ExtendedOpenOption.DIRECT);
        }
        channel = FileChannel.open(currentPath, options);
        AtomicFiles.fsyncDirectory(dir);
        position = 0;
        currentEntries = new HashMap<>();
    }

    private void roll() throws IOException {
        channel.close();
        sealed.add(new SealedFile(currentPath, position, clock.wallMs(), currentEntries));
        sealedBytes += position;
        sequence++;
        openCurrent();
    }

    /**
     * Deletes the oldest sealed files whose logs no longer need them, then asks the logs of each sealed file that
     * is due (sealed long enough ago, or beyond the journal's byte budget counting from the newest) for their
     * segment flush, once per file.
     */
    private void reclaimSealed() {
        while (!sealed.isEmpty() && isReclaimable(sealed.peekFirst().lastEntries())) {
            SealedFile oldest = sealed.removeFirst();
            sealedBytes -= oldest.bytes();
            flushRequestedFiles = Math.max(0, flushRequestedFiles - 1);
            free(oldest.path());
        }
        long now = clock.wallMs();
        long bytesFromHere = sealedBytes;
        int index = 0;
        for (SealedFile s : sealed) {
            if (index >= flushRequestedFiles) {
                if (bytesFromHere <= settings.bytesMax() && now - s.sealedAtMs() < settings.sealedFlushDelayMs()) {
                    return;
                }
                s.lastEntries().values().forEach(last -> last.log().requestSegmentFlush(last.generation(),
                        last.endOffset()));
                flushRequestedFiles = index + 1;
            }
            bytesFromHere -= s.bytes();
            index++;
        }
    }

    /** Keeps a file for reuse while the sealed and free files fit the byte budget; deletes it otherwise. */
    private void free(Path file) {
        long files = sealed.size() + freeFiles.size() + 1L;
        if (files * settings.fileBytesMax() <= Math.max(settings.bytesMax(), settings.fileBytesMax())) {
            freeFiles.addLast(file);
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete the journal file {}", file, e);
        }
    }

    private static boolean isReclaimable(Map<SegmentedLog, Completion> lastEntries) {
        for (Completion last : lastEntries.values()) {
            if (!last.log().isJournalEntryObsolete(last.generation(), last.endOffset())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes what is pending and stops the writer. When every log with entries in the journal no longer needs them
     * (the logs closed cleanly first), the files are deleted, so the next start has nothing to replay.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            pendingOrClosed.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            channel.close();
            if (!writer.isAlive() && failure == null) {
                deleteIfObsolete();
            }
        } catch (IOException e) {
            LOG.warn("Closing the log journal in {} failed; the next start replays it", dir, e);
        }
    }

    private void deleteIfObsolete() throws IOException {
        List<Map<SegmentedLog, Completion>> all = new ArrayList<>();
        sealed.forEach(s -> all.add(s.lastEntries()));
        all.add(currentEntries);
        for (Map<SegmentedLog, Completion> entries : all) {
            if (!isReclaimable(entries)) {
                return;
            }
        }
        for (SealedFile s : sealed) {
            Files.deleteIfExists(s.path());
        }
        for (Path free : freeFiles) {
            Files.deleteIfExists(free);
        }
        Files.deleteIfExists(currentPath);
        AtomicFiles.fsyncDirectory(dir);
    }
}
