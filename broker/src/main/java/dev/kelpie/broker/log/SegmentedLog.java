package dev.kelpie.broker.log;

import dev.kelpie.broker.common.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileLogInputStream;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition log on disk: a directory {@code <topic>-<partition>/} of {@link LogSegment}s plus
 * {@code leader-epoch-checkpoint} ({@link LeaderEpochFileCache}) and {@code partition.checkpoint}
 * ({@link PartitionCheckpoint}). Open with {@link #open(Path, TopicPartition, LogConfig, Clock, LogEnvironment)}.
 *
 * <p>State machine: {@code open → online ⇄ (appends, reads, rolls, retention, truncation) → closed}; any I/O
 * error or detected corruption moves {@code online → offline} for good (until reopened): reads, appends and
 * durability waiters then fail with {@link KafkaStorageException} and the cause is logged once. Other
 * partitions are not affected.
 *
 * <p>Durability ({@code flush.policy}): {@code sync}: appends go to the page cache; with the log dir's
 * {@link LogJournal} attached ({@code kelpie.log.journal.enable}) they are also handed to it, and
 * {@link #awaitDurable} futures complete once a journal pass covering them was fsynced ({@link #journalDurable});
 * the segments are fsynced only when the journal asks ({@link #requestSegmentFlush}), so the durable offset
 * runs ahead of the recovery point ({@link #segmentsDurableOffset()}), and a truncation draws a new journal
 * generation. Without a journal, the
 * shared {@link GroupCommitFlusher} completes them after one fsync of the segment covering everything written
 * so far. {@code interval}: Kafka's {@code flush.messages} (checked on append) and {@code flush.ms} (checked by
 * {@link #flushIfDue}, called periodically by the {@link LogManager}); {@code awaitDurable} completes at once.
 * Rolls: the appending thread only seals the old segment and creates the new one; the producer snapshot, the old
 * segment's fsync and index trimming and the checkpoint follow in background passes ({@link #flushForWaiters}),
 * which complete sealed segments oldest first. Under {@code sync} without a journal the pass the roll requests
 * fsyncs the sealed segment; with one, the sealed segment waits for a pass the journal asks for, or for one that
 * finds it sealed at least {@link LogEnvironment#rollFlushDelayMs()} ago. Under {@code interval} a sealed segment
 * is fsynced only once it was sealed at least {@link LogEnvironment#rollFlushDelayMs()} ago (60 s, Kafka's
 * recovery-point checkpoint interval), by a pass the
 * periodic {@link #flushIfDue} requests: the kernel writes dirty pages back on its own after about 30 s, so that
 * fsync mostly finds clean pages, while an fsync right after the roll would make the kernel write whole segments
 * back in the flusher's context, competing with the appender for CPU and disk; a segment retention deletes
 * before then is never fsynced. Under {@code interval} the appending thread never waits for an fsync unless
 * {@code flush.messages} asks for one, and the active segment is fsynced only by {@code flush.messages},
 * {@code flush.ms}, {@link #flush()} and close, each of which also fsyncs every sealed segment (Kafka's behaviour:
 * when the disk is slower than the appends, the kernel's dirty-page throttling slows the writes); so any number
 * of sealed segments may be waiting for their fsync. The durable offset (the recovery point) passes a sealed
 * segment only after its fsync and the fsyncs of all before it; recovery scans every segment above the recovery
 * point ({@link LogLoader}), so after a crash it covers at most about {@code rollFlushDelayMs} of appends. In sync
 * mode, readers that must never see data a power loss could take back bound their reads by
 * {@link #durableOffset()} (the high watermark is derived from it).
 *
 * <p>Thread-safety: as {@link PartitionLog}: one owner thread mutates; reads and getters from any thread
 * work on a lock-free snapshot (a concurrent segment map, volatile offsets, reference-counted segments).
 * Structural changes to the segment map (roll, deletion, truncation, compaction swap) happen under
 * {@code structureLock}; the log cleaner's swap is the only non-owner writer and re-validates under it.
 * Flushes (group commit, roll, interval, explicit) share the read side of {@code flushLock}, so
 * several fsyncs of one log may be in flight at once (the kernel merges them into one journal commit);
 * truncation and close take its write side, so no flush ever publishes a durable offset across a truncation.
 */
public final class SegmentedLog implements PartitionLog, GroupCommitFlusher.Target {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);
    /** Upper bound on one decompressed record handed to kafka-clients' iterators (its own default). */
    static final int MAX_RECORD_BYTES = Integer.MAX_VALUE - 8;
    /** {@link #offlineCause()} of a log whose segment failed its checks. */
    public static final String OFFLINE_CORRUPTION = "corruption";
    /** {@link #offlineCause()} of a log that hit any other I/O error. */
    public static final String OFFLINE_IO_ERROR = "io_error";

    private final TopicPartition tp;
    /** The topic as the journal's entries name it, encoded once rather than per append. */
    private final byte[] topicUtf8;
    private final Path dir;
    private final Clock clock;
    private final LogEnvironment env;
    private final boolean ownsEnv;
    private final LeaderEpochFileCache epochs;
    private final ProducerStateManager producers;
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final DurabilityWaiters waiters;
    private final ReentrantLock structureLock = new ReentrantLock();
    private final ReentrantReadWriteLock flushLock = new ReentrantReadWriteLock();
    /** The producer snapshot taken at the last roll, for the background pass to write. */
    private final AtomicReference<PendingSnapshot> pendingSnapshot = new AtomicReference<>();
    /** Retention changed the leader epochs in memory only; the background pass writes the file. */
    private final AtomicBoolean epochFileDue = new AtomicBoolean();
    /** Retention moved the log start; the background pass writes partition.checkpoint. */
    private final AtomicBoolean checkpointDue = new AtomicBoolean();
    /**
     * No segment below this base offset waits for its roll flush, so background passes walk the sealed segments
     * from here on only. Raised by passes (flushLock's read side); reset by truncation (its write side), after
     * which segments may again be created and sealed below it.
     */
    private final AtomicLong rollFlushedBelow = new AtomicLong(Long.MIN_VALUE);
    /** The log dir's journal, attached by the {@link LogManager} after its replay; null: group commit per log. */
    private volatile LogJournal journal;
    /** Which journal entries are this log's ({@link PartitionCheckpoint}); renewed by every truncation. */
    private volatile long journalGeneration;
    /**
     * Offsets below are fsynced in the segments: the recovery point. With a journal the durable offset runs ahead
     * of it (the journal holds the rest); without one they move together.
     */
    private final AtomicLong segmentsDurable;
    /** The journal needs the segments fsynced up to here before it can delete the file holding these entries. */
    private final AtomicLong segmentFlushTarget = new AtomicLong();
    /** The recovery point in partition.checkpoint as last written. */
    private volatile long checkpointedRecoveryPoint = -1;
    private final BufferSupplier buffers = BufferSupplier.create();
    private final long recoveryTruncatedBytes;
    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long cleanerOffset;
    private volatile long highWatermark = Long.MAX_VALUE;
    private volatile String offlineReason;
    private volatile String offlineCause;
    private volatile boolean closed;
    /** Bumped before any truncation touches a file: concurrent readers tell a race from corruption. */
    private final AtomicLong truncations = new AtomicLong();
    private long unflushedMessages;
    private long lastFlushMs;

    /** A producer snapshot prepared at a roll, and the truncation count it was taken at. */
    private record PendingSnapshot(ProducerStateManager.PreparedSnapshot snapshot, long truncationsAt) {}

    private SegmentedLog(TopicPartition tp, Path dir, LogConfig config, Clock clock, LogEnvironment env,
            boolean ownsEnv, LeaderEpochFileCache epochs, LogLoader.Loaded loaded, PartitionCheckpoint checkpoint) {
        this.tp = tp;
        this.topicUtf8 = tp.topic().getBytes(StandardCharsets.UTF_8);
        this.dir = dir;
        this.config = config;
        this.clock = clock;
        this.env = env;
        this.ownsEnv = ownsEnv;
        this.epochs = epochs;
        this.producers = new ProducerStateManager(dir, env.producerIdExpirationMs(), clock);
        this.segments = loaded.segments();
        this.logStartOffset = loaded.logStartOffset();
        this.logEndOffset = loaded.logEndOffset();
        this.cleanerOffset = loaded.cleanerOffset();
        this.recoveryTruncatedBytes = loaded.truncatedBytes();
        this.highWatermark = checkpoint.highWatermark() < 0 ? Long.MAX_VALUE
                : Math.min(checkpoint.highWatermark(), Math.max(0, loaded.logEndOffset()));
        this.waiters = new DurabilityWaiters(Math.max(0, loaded.logEndOffset()));
        this.segmentsDurable = new AtomicLong(Math.max(0, loaded.logEndOffset()));
        this.journalGeneration = checkpoint.journalGeneration() != 0 ? checkpoint.journalGeneration()
                : newJournalGeneration();
        this.lastFlushMs = clock.wallMs();
    }

    /** The directory name of a partition: {@code <topic>-<partition>}. */
    public static String dirName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /**
     * Opens (creating if needed) the log of {@code tp} under {@code logDir}/{@code <topic>-<partition>},
     * recovering it as {@link LogLoader} describes. Corruption found while loading yields an offline log
     * ({@link #isOnline()} false, {@link #offlineReason()} names file and position) rather than an exception.
     *
     * @param logDir one of the broker's {@code log.dirs}
     * @param env the shared flusher, scheduler and metrics (from {@link LogManager#environment()})
     * @throws KafkaStorageException when the directory cannot be created or read
     */
    public static SegmentedLog open(Path logDir, TopicPartition tp, LogConfig config, Clock clock,
            LogEnvironment env) {
        return open(logDir, tp, config, clock, env, false);
    }

    /**
     * Opens a log with its own {@link LogEnvironment} (one flusher thread), closed together with the log.
     * For tools, tests and benchmarks; a broker uses {@link LogManager}.
     */
    public static SegmentedLog open(Path logDir, TopicPartition tp, LogConfig config, Clock clock) {
        return open(logDir, tp, config, clock, new LogEnvironment(1), true);
    }

    private static SegmentedLog open(Path logDir, TopicPartition tp, LogConfig config, Clock clock,
            LogEnvironment env, boolean ownsEnv) {
        Path dir = logDir.resolve(dirName(tp));
        try {
            boolean created = !Files.isDirectory(dir);
            Files.createDirectories(dir);
            if (created) {
                AtomicFiles.fsyncDirectory(logDir);
            }
            PartitionCheckpoint checkpoint = PartitionCheckpoint.read(dir);
            LeaderEpochFileCache epochs = new LeaderEpochFileCache(dir);
            LogLoader loader = new LogLoader(dir, tp, config, clock.wallMs(), epochs);
            LogLoader.Loaded loaded = loader.load(checkpoint);
            SegmentedLog log = new SegmentedLog(tp, dir, config, clock, env, ownsEnv, epochs, loaded, checkpoint);
            env.metrics().recoveryTruncated(loaded.truncatedBytes());
            if (loaded.corruption() != null) {
                log.markOffline(loaded.corruption().getMessage(), loaded.corruption());
                return log;
            }
            try {
                log.reloadProducerState();
                log.writeCheckpoint(false);
            } catch (KafkaStorageException e) {
                // the log is offline and logged why; it is still returned so its state can be reported
                LOG.debug("{} opened offline", tp, e);
            }
            return log;
        } catch (IOException | UncheckedIOException e) {
            if (ownsEnv) {
                env.close();
            }
            throw new KafkaStorageException("Cannot open log " + tp + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- getters

    @Override
    public TopicPartition topicPartition() {
        return tp;
    }

    /** The topic name in UTF-8 (the caller must not change the array). */
    byte[] topicUtf8() {
        return topicUtf8;
    }

    @Override
    public LogConfig config() {
        return config;
    }

    @Override
    public void updateConfig(LogConfig config) {
        LogConfig old = this.config;
        this.config = config;
        if (journal != null && old.flushPolicy() != LogConfig.FlushPolicy.SYNC
                && config.flushPolicy() == LogConfig.FlushPolicy.SYNC && isOnline()) {
            // the journal's passes only vouch for what it was handed: what came before it must be on disk first
            flush();
        }
    }

    /** The partition directory. */
    public Path dir() {
        return dir;
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return logEndOffset;
    }

    @Override
    public long durableOffset() {
        return waiters.durableOffset();
    }

    @Override
    public LeaderEpochCache leaderEpochs() {
        return epochs;
    }

    @Override
    public boolean isOnline() {
        return offlineReason == null && !closed;
    }

    /** Why the log is offline, or null. */
    public String offlineReason() {
        return offlineReason;
    }

    /**
     * The kind of failure that took the log offline, for metrics: {@link #OFFLINE_CORRUPTION} (a segment failed
     * its checks) or {@link #OFFLINE_IO_ERROR} (any other I/O failure); null while online.
     */
    public String offlineCause() {
        return offlineCause;
    }

    /** Bytes recovery cut off a torn tail when this log was opened. */
    public long recoveryTruncatedBytes() {
        return recoveryTruncatedBytes;
    }

    public LogMetrics metrics() {
        return env.metrics();
    }

    /**
     * Records the replication layer's high watermark: retention and compaction stay below it, and it is saved
     * with the next checkpoint. Until it is first set, both are bounded by the log end only.
     */
    public void updateHighWatermark(long highWatermark) {
        this.highWatermark = highWatermark;
    }

    /** The last high watermark set (or loaded from the checkpoint, capped at the log end), or -1. */
    public long highWatermark() {
        long hw = highWatermark;
        return hw == Long.MAX_VALUE ? -1 : hw;
    }

    long highWatermarkBound() {
        return Math.min(highWatermark, logEndOffset);
    }

    /** Number of segments, the active one included. */
    public int segmentCount() {
        return segments.size();
    }

    /** Total bytes of all segment files. */
    public long sizeInBytes() {
        return segments.values().stream().mapToLong(LogSegment::sizeInBytes).sum();
    }

    /** Base offsets of the segments, ascending. */
    public List<Long> segmentBaseOffsets() {
        return List.copyOf(segments.keySet());
    }

    LogSegment activeSegment() {
        return segments.lastEntry().getValue();
    }

    ConcurrentSkipListMap<Long, LogSegment> segmentMap() {
        return segments;
    }

    // ---------------------------------------------------------------- append

    @Override
    public LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch) {
        checkOnline();
        LogConfig cfg = config;
        long now = clock.wallMs();
        BatchValidator.Summary summary = BatchValidator.validateLeader(records, cfg, now, buffers);
        for (MutableRecordBatch batch : records.batches()) {
            Optional<ProducerStateManager.DuplicateBatch> dup = producers.validate(batch);
            if (dup.isPresent()) {
                ProducerStateManager.DuplicateBatch d = dup.get();
                return new LogAppendInfo(d.firstOffset(), d.lastOffset(), d.appendTimeMs(), logStartOffset,
                        summary.recordCount(), true);
            }
        }
        long first = logEndOffset;
        long next = first;
        for (MutableRecordBatch batch : records.batches()) {
            long lastDelta = batch.lastOffset() - batch.baseOffset();
            batch.setLastOffset(next + lastDelta);
            batch.setPartitionLeaderEpoch(leaderEpoch);
            if (cfg.logAppendTime()) {
                batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, now);
            }
            next = batch.nextOffset();
        }
        assignEpoch(leaderEpoch, first);
        long maxTs = cfg.logAppendTime() ? now : summary.maxTimestamp();
        write(records, summary.batchCount(), summary.recordCount(), next - 1, maxTs);
        for (MutableRecordBatch batch : records.batches()) {
            producers.update(batch, cfg.logAppendTime() ? now : -1);
        }
        return new LogAppendInfo(first, next - 1, cfg.logAppendTime() ? now : -1, logStartOffset,
                summary.recordCount(), false);
    }

    @Override
    public LogAppendInfo appendAsFollower(MemoryRecords records) {
        checkOnline();
        BatchValidator.Summary summary = BatchValidator.validateFollower(records, logEndOffset);
        long first = -1;
        long last = -1;
        for (MutableRecordBatch batch : records.batches()) {
            if (first < 0) {
                first = batch.baseOffset();
            }
            assignEpoch(batch.partitionLeaderEpoch(), batch.baseOffset());
            last = batch.lastOffset();
        }
        write(records, summary.batchCount(), summary.recordCount(), last, summary.maxTimestamp());
        for (MutableRecordBatch batch : records.batches()) {
            producers.update(batch, appendTimeOf(batch));
        }
        return new LogAppendInfo(first, last, -1, logStartOffset, summary.recordCount(), false);
    }

    private void assignEpoch(int epoch, long startOffset) {
        try {
            epochs.assign(epoch, startOffset);
        } catch (UncheckedIOException e) {
            throw offline("cannot write " + LeaderEpochFileCache.FILE_NAME, e);
        }
    }

    private void write(MemoryRecords records, int batchCount, int recordCount, long lastOffset, long maxTs) {
        try {
            LogSegment seg = maybeRoll(records.sizeInBytes(), batchCount, lastOffset, maxTs);
            seg.append(records);
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw offline("append failed", e);
        }
        logEndOffset = lastOffset + 1;
        unflushedMessages += recordCount;
        LogConfig cfg = config;
        LogJournal j = journal;
        if (j != null && cfg.flushPolicy() == LogConfig.FlushPolicy.SYNC) {
            try {
                j.append(this, journalGeneration, records, logEndOffset);
            } catch (UncheckedIOException e) {
                throw offline("journal append failed", e);
            }
        }
        if (cfg.flushPolicy() == LogConfig.FlushPolicy.INTERVAL && unflushedMessages >= cfg.flushMessages()) {
            flushData();
        }
    }

    private LogSegment maybeRoll(int bytes, int batchCount, long lastOffset, long maxTs) throws IOException {
        LogSegment seg = activeSegment();
        if (seg.sizeInBytes() == 0) {
            return seg;
        }
        LogConfig cfg = config;
        long waitedMs = seg.hasTimestampedBatch() && maxTs >= 0 ? maxTs - seg.rollingBaseTimestamp()
                : clock.wallMs() - seg.rollingBaseTimestamp();
        boolean full = (long) seg.sizeInBytes() + bytes > cfg.segmentBytes();
        boolean old = waitedMs > cfg.segmentMs();
        boolean indexFull = !seg.indexesHaveRoomFor(batchCount);
        boolean offsetOverflow = lastOffset - seg.baseOffset() > Integer.MAX_VALUE;
        if (full || old || indexFull || offsetOverflow) {
            return roll();
        }
        return seg;
    }

    /**
     * Seals the active segment and starts a new one at the log end. The producer snapshot follows in a background
     * pass ({@link #flushForWaiters}), and so do the sealed segment's fsync, index trimming and the recovery-point
     * checkpoint: in that pass under {@code flush.policy=sync}, in the first pass after
     * {@link LogEnvironment#rollFlushDelayMs()} under {@code interval}. The appending thread never waits for them,
     * however many sealed segments are still waiting for their fsync (recovery scans them all: {@link LogLoader}).
     */
    LogSegment roll() throws IOException {
        LogSegment created;
        structureLock.lock();
        try {
            LogSegment old = activeSegment();
            long base = logEndOffset;
            created = LogSegment.open(dir, base, "", config.indexIntervalBytes(), config.segmentIndexBytes(),
                    clock.wallMs());
            // sealed only once the successor's files exist: completing the seal fsyncs the directory for both
            old.seal(clock.wallMs());
            segments.put(base, created);
        } finally {
            structureLock.unlock();
        }
        pendingSnapshot.set(new PendingSnapshot(producers.prepareSnapshot(created.baseOffset()), truncations.get()));
        env.flusher().request(this);
        return created;
    }

    /**
     * What {@link #completeSealed} did: whether it completed any roll flush, and the base offset of the oldest
     * sealed segment it left waiting because it was sealed too recently ({@link Long#MAX_VALUE} when none).
     */
    private record SealedFlush(boolean completed, long firstWaitingBase) {}

    /**
     * Caller holds flushLock (either side). Completes the roll flushes of the sealed segments of {@code view}
     * sealed at or before {@code sealedAtMsMax}, oldest first, and stops at the first one sealed later, so a
     * segment is durable only once every sealed segment before it is; segments retention or compaction removed
     * meanwhile are skipped (nothing in them is below the log start, or the compacted copy was fsynced before the
     * swap).
     */
    private SealedFlush completeSealed(NavigableMap<Long, LogSegment> view, long sealedAtMsMax) throws IOException {
        boolean completed = false;
        for (LogSegment s : view.values()) {
            if (!s.isRollFlushPending() || segments.get(s.baseOffset()) != s) {
                continue;
            }
            if (s.sealedAtMs() > sealedAtMsMax) {
                return new SealedFlush(completed, s.baseOffset());
            }
            if (!s.tryRetain()) {
                continue;
            }
            try {
                long fsyncStartNs = clock.monotonicNs();
                if (s.completeRollFlush()) {
                    completed = true;
                    env.metrics().fsync(clock.monotonicNs() - fsyncStartNs);
                }
            } finally {
                s.release();
            }
        }
        return new SealedFlush(completed, Long.MAX_VALUE);
    }

    // ---------------------------------------------------------------- durability

    @Override
    public CompletableFuture<Void> awaitDurable(long offsetExclusive) {
        if (offlineReason != null) {
            return CompletableFuture.failedFuture(storageError());
        }
        if (closed) {
            return CompletableFuture.failedFuture(new KafkaStorageException("Log " + tp + " is closed"));
        }
        if (config.flushPolicy() == LogConfig.FlushPolicy.INTERVAL) {
            return CompletableFuture.completedFuture(null);
        }
        if (offsetExclusive > logEndOffset) {
            throw new IllegalArgumentException("awaitDurable(" + offsetExclusive + ") beyond log end "
                    + logEndOffset);
        }
        CompletableFuture<Void> f = waiters.await(offsetExclusive);
        if (f == null) {
            return CompletableFuture.completedFuture(null);
        }
        if (journal == null) {
            env.flusher().request(this);
        }
        return f;
    }

    /**
     * The log's background pass, run by a {@link GroupCommitFlusher} thread: completes the roll flushes of
     * sealed segments (under {@code flush.policy=interval} only of those sealed at least
     * {@link LogEnvironment#rollFlushDelayMs()} ago: the others wait for a later pass, which
     * {@link #flushIfDue} requests); under {@code flush.policy=sync} also fsyncs the active segment once,
     * completing every waiter up to the log end read before it (group commit). Then writes what rolls and
     * retention left to the background: the producer snapshot, the leader-epoch file, and the recovery-point
     * checkpoint once the durable offset has entered a newer segment.
     */
    @Override
    public void flushForWaiters() {
        flushLock.readLock().lock();
        try {
            if (offlineReason != null || closed) {
                return;
            }
            // with a journal, the segments are fsynced only when the journal wants its file back
            boolean active = config.flushPolicy() == LogConfig.FlushPolicy.SYNC
                    && (journal == null || segmentFlushTarget.get() > segmentsDurable.get());
            boolean completed = flushSegments(active, active ? Long.MAX_VALUE : rollFlushDueSealedAtMs());
            writeBackgroundState(completed);
        } catch (IOException | UncheckedIOException e) {
            markOffline("fsync failed", e);
        } catch (KafkaStorageException e) {
            // offline already, and logged once by markOffline
            LOG.debug("{}: background pass stopped: {}", tp, e.getMessage());
        } finally {
            flushLock.readLock().unlock();
        }
    }

    /** The latest seal time of a segment whose deferred roll flush ({@code interval}) is due now. */
    private long rollFlushDueSealedAtMs() {
        return clock.wallMs() - env.rollFlushDelayMs();
    }

    /**
     * Caller holds flushLock (either side). Makes the data below the log end (read first) durable as far as
     * asked: sealed segments sealed at or before {@code sealedAtMsMax} (all when {@link Long#MAX_VALUE}), the
     * segment still open for appends only when {@code includeActive} and no sealed segment was left waiting.
     * Raises the durable offset accordingly, never past a segment left waiting; returns whether a roll flush was
     * completed by this call.
     */
    private boolean flushSegments(boolean includeActive, long sealedAtMsMax) throws IOException {
        long target = logEndOffset;
        NavigableMap<Long, LogSegment> holding = segments.headMap(target, false);
        // a roll after reading target only seals the segment holding it: it then shows up as sealed
        Map.Entry<Long, LogSegment> newest = holding.lastEntry();
        LogSegment open = newest == null || newest.getValue().isRollFlushPending() ? null : newest.getValue();
        NavigableMap<Long, LogSegment> unchecked = holding.tailMap(rollFlushedBelow.get(), true);
        SealedFlush sealed = completeSealed(open == null ? unchecked : unchecked.headMap(open.baseOffset(), false),
                sealedAtMsMax);
        if (newest != null) {
            // only the active segment, whose base is at least newest's, can be sealed from now on
            rollFlushedBelow.accumulateAndGet(Math.min(newest.getKey(), sealed.firstWaitingBase()), Math::max);
        }
        long durable = target;
        if (sealed.firstWaitingBase() != Long.MAX_VALUE) {
            durable = sealed.firstWaitingBase();
        } else if (open != null && includeActive && target > segmentsDurable.get()) {
            long fsyncStartNs = clock.monotonicNs();
            if (open.tryRetain()) {
                try {
                    open.flushLog();
                } finally {
                    open.release();
                }
            }
            env.metrics().fsync(clock.monotonicNs() - fsyncStartNs);
        } else if (open != null) {
            durable = open.baseOffset();
        }
        segmentsDurable.accumulateAndGet(durable, Math::max);
        waiters.advance(durable);
        return sealed.completed();
    }

    /** Caller holds flushLock's read side: the files a roll or retention left for the background pass. */
    private void writeBackgroundState(boolean rollCompleted) {
        PendingSnapshot snapshot = pendingSnapshot.getAndSet(null);
        // a truncation since the roll reloaded producer state; its snapshot may describe offsets now gone
        if (snapshot != null && snapshot.truncationsAt() == truncations.get()) {
            snapshotProducers(snapshot.snapshot());
        }
        boolean epochsDue = epochFileDue.getAndSet(false);
        if (epochsDue) {
            try {
                epochs.writeFile();
            } catch (UncheckedIOException e) {
                throw offline("cannot write " + LeaderEpochFileCache.FILE_NAME, e);
            }
        }
        if (rollCompleted || epochsDue || checkpointDue.getAndSet(false)
                || !java.util.Objects.equals(segments.floorKey(segmentsDurable.get()),
                        segments.floorKey(checkpointedRecoveryPoint))) {
            writeCheckpoint(false);
        }
    }

    @Override
    public void flush() {
        flushData();
        writeCheckpoint(false);
    }

    /** fsyncs the data written so far; the recovery-point checkpoint follows at the next roll or checkpoint. */
    private void flushData() {
        checkOnline();
        flushLock.readLock().lock();
        try {
            flushSegments(true, Long.MAX_VALUE);
            unflushedMessages = 0;
            lastFlushMs = clock.wallMs();
        } catch (IOException | UncheckedIOException e) {
            throw offline("flush failed", e);
        } finally {
            flushLock.readLock().unlock();
        }
    }

    /**
     * The interval policy's periodic maintenance; called by the owner or the {@link LogManager} (every
     * {@code log.flush.scheduler.interval.ms}). Fsyncs the log when {@code flush.ms} passed; otherwise, when the
     * oldest sealed segment still waiting for its fsync was sealed at least {@link LogEnvironment#rollFlushDelayMs()}
     * ago, requests a background pass, which fsyncs the sealed segments that old, oldest first, and moves the
     * recovery point and its checkpoint past them. The owner thread never waits for those fsyncs.
     */
    public void flushIfDue() {
        LogConfig cfg = config;
        if (offlineReason != null || closed || cfg.flushPolicy() != LogConfig.FlushPolicy.INTERVAL) {
            return;
        }
        if (clock.wallMs() - lastFlushMs >= cfg.flushMs() && logEndOffset > segmentsDurable.get()) {
            flushData();
        } else if (oldestWaitingSealedAtMs() <= rollFlushDueSealedAtMs()) {
            env.flusher().request(this);
        }
    }

    /** The seal time of the oldest sealed segment whose roll flush is pending, or {@link Long#MAX_VALUE}. */
    private long oldestWaitingSealedAtMs() {
        LogSegment active = activeSegment();
        for (LogSegment s : segments.tailMap(rollFlushedBelow.get(), true).values()) {
            if (s != active && s.isRollFlushPending()) {
                return s.sealedAtMs();
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Writes partition.checkpoint (recovery point: what the segments hold fsynced, read now).
     * Serialised: owner, manager, cleaner, background pass.
     */
    synchronized void writeCheckpoint(boolean cleanShutdown) {
        try {
            long hw = highWatermark == Long.MAX_VALUE ? -1 : highWatermark;
            long recoveryPoint = segmentsDurable.get();
            new PartitionCheckpoint(recoveryPoint, logStartOffset, cleanerOffset, hw, cleanShutdown,
                    journalGeneration).write(dir);
            checkpointedRecoveryPoint = recoveryPoint;
        } catch (IOException e) {
            throw offline("cannot write " + PartitionCheckpoint.FILE_NAME, e);
        }
    }

    // ---------------------------------------------------------------- read

    @Override
    public LogReadInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch) {
        while (true) {
            checkOnline();
            long truncationsAtStart = truncations.get();
            long leo = logEndOffset;
            long lso = logStartOffset;
            if (startOffset < lso || startOffset > leo) {
                throw new OffsetOutOfRangeException("Offset " + startOffset + " is outside [" + lso + ", " + leo
                        + "] of " + tp);
            }
            long bound = Math.min(maxOffsetExclusive, leo);
            if (startOffset >= bound) {
                return new LogReadInfo(emptySlice(), lso, leo);
            }
            Long floor = segments.floorKey(startOffset);
            FileSlice slice;
            try {
                slice = SegmentReads.read(segments, floor == null ? segments.firstKey() : floor, startOffset,
                        Math.max(0, maxBytes), bound, minOneBatch, this::emptySlice);
            } catch (SegmentCorruptedException c) {
                if (truncations.get() != truncationsAtStart) {
                    continue;
                }
                throw offline(c.getMessage(), c);
            }
            if (slice != null) {
                return new LogReadInfo(slice, lso, leo);
            }
        }
    }

    private FileSlice emptySlice() {
        FileChannel channel = activeSegment().records().channel();
        return new FileSlice(channel, 0, 0, () -> { });
    }

    // ---------------------------------------------------------------- timestamps

    @Override
    public Optional<TimestampAndOffset> offsetForTimestamp(long timestamp) {
        checkOnline();
        long lso = logStartOffset;
        if (timestamp == EARLIEST_TIMESTAMP || timestamp == EARLIEST_LOCAL_TIMESTAMP) {
            return Optional.of(new TimestampAndOffset(-1, lso, epochs.epochForOffset(lso)));
        }
        if (timestamp == LATEST_TIMESTAMP) {
            return Optional.of(new TimestampAndOffset(-1, logEndOffset, epochs.latestEpoch().orElse(-1)));
        }
        if (timestamp == MAX_TIMESTAMP) {
            return SegmentReads.maxTimestamp(segments, lso).map(SegmentedLog::toResult);
        }
        if (timestamp < 0) {
            throw new InvalidRequestException("Unsupported ListOffsets timestamp " + timestamp);
        }
        return SegmentReads.firstAtOrAfter(segments, timestamp, lso).map(SegmentedLog::toResult);
    }

    /** Kafka's -4: the earliest offset on local disk, the same as the earliest here (no tiered storage). */
    static final long EARLIEST_LOCAL_TIMESTAMP = -4L;

    private static TimestampAndOffset toResult(FileRecords.TimestampAndOffset t) {
        return new TimestampAndOffset(t.timestamp, t.offset, t.leaderEpoch.orElse(-1));
    }

    // ---------------------------------------------------------------- journal

    /** Attaches the log dir's journal ({@link LogManager}, after replaying it). */
    void attachJournal(LogJournal journal) {
        this.journal = journal;
    }

    long journalGeneration() {
        return journalGeneration;
    }

    /** Offsets below are fsynced in the segments (the recovery point). */
    long segmentsDurableOffset() {
        return segmentsDurable.get();
    }

    /** Journal writer: this log's entries of {@code generation} below {@code endOffset} are durable. */
    void journalDurable(long generation, long endOffset) {
        flushLock.readLock().lock(); // a truncation renews the generation under the write side
        try {
            if (generation == journalGeneration && !closed && offlineReason == null) {
                waiters.advance(Math.min(endOffset, logEndOffset));
            }
        } finally {
            flushLock.readLock().unlock();
        }
    }

    void journalFailed(IOException e) {
        markOffline("journal write failed: " + e.getMessage(), e);
    }

    /** Journal writer: the journal file holding entries up to {@code endOffset} waits for this log's segments. */
    void requestSegmentFlush(long generation, long endOffset) {
        if (generation == journalGeneration) {
            segmentFlushTarget.accumulateAndGet(endOffset, Math::max);
            env.flusher().request(this);
        }
    }

    /** Whether the journal may drop this log's entries of {@code generation} below {@code endOffset}. */
    boolean isJournalEntryObsolete(long generation, long endOffset) {
        return generation != journalGeneration || offlineReason != null || segmentsDurable.get() >= endOffset;
    }

    /**
     * Recovery, before the journal is attached: appends the batches of a journal entry that continue the log end,
     * skipping those the segments already hold. An entry that would leave a gap takes the log offline, naming the
     * journal file. Returns whether anything was appended.
     */
    boolean replayJournal(MemoryRecords records, String journalFile) {
        if (offlineReason != null) {
            return false;
        }
        long end = logEndOffset;
        int skipBytes = 0;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.lastOffset() >= end) {
                if (batch.baseOffset() != end) {
                    markOffline("journal " + journalFile + " continues at offset " + batch.baseOffset()
                            + " but the log ends at " + end, new IOException("gap between log and journal"));
                    return false;
                }
                break;
            }
            skipBytes += batch.sizeInBytes();
        }
        if (skipBytes == records.sizeInBytes()) {
            return false;
        }
        java.nio.ByteBuffer rest = records.buffer();
        rest.position(rest.position() + skipBytes);
        try {
            appendAsFollower(MemoryRecords.readableRecords(rest.slice()));
            return true;
        } catch (KafkaStorageException e) {
            return false;
        } catch (RuntimeException e) {
            markOffline("journal " + journalFile + " cannot be replayed: " + e.getMessage(), e);
            return false;
        }
    }

    // ---------------------------------------------------------------- truncation

    @Override
    public void truncateTo(long offset) {
        checkOnline();
        if (offset >= logEndOffset) {
            return;
        }
        if (offset <= logStartOffset) {
            truncateFullyAndStartAt(offset);
            return;
        }
        truncations.incrementAndGet();
        structureLock.lock();
        flushLock.writeLock().lock();
        try {
            rollFlushedBelow.set(Long.MIN_VALUE);
            List<LogSegment> removed = new ArrayList<>(segments.tailMap(offset, true).values());
            removed.forEach(s -> segments.remove(s.baseOffset()));
            LogSegment active = activeSegment();
            long removedBase = active.truncateTo(offset);
            active.makeActive();
            // a target inside a batch loses that whole batch; a target in a compaction gap is kept, as Kafka does
            logEndOffset = removedBase >= 0 && removedBase < offset ? removedBase
                    : Math.max(active.readNextOffset(), offset);
            cleanerOffset = Math.min(cleanerOffset, logEndOffset);
            deleteSegmentsAsync(removed);
            epochs.truncateFromEnd(logEndOffset);
            waiters.truncate(logEndOffset, new NotLeaderOrFollowerException("Log of " + tp
                    + " was truncated to " + logEndOffset + " before these offsets became durable"));
            segmentsDurable.accumulateAndGet(logEndOffset, Math::min);
            reloadProducerState();
            if (journal != null) {
                // what stays must not depend on journal entries of the old generation
                flushSegments(true, Long.MAX_VALUE);
            }
            renewJournalGeneration();
        } catch (IOException | UncheckedIOException e) {
            throw offline("truncation failed", e);
        } finally {
            flushLock.writeLock().unlock();
            structureLock.unlock();
        }
    }

    /**
     * Caller holds flushLock's write side, after a truncation: from now on the journal's entries written before it
     * are not this log's, and the checkpoint says so before any new entry can matter.
     */
    private void renewJournalGeneration() {
        journalGeneration = newJournalGeneration();
        writeCheckpoint(false);
    }

    private static long newJournalGeneration() {
        long generation;
        do {
            generation = java.util.UUID.randomUUID().getMostSignificantBits();
        } while (generation == 0);
        return generation;
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
        checkOnline();
        truncations.incrementAndGet();
        structureLock.lock();
        flushLock.writeLock().lock();
        try {
            rollFlushedBelow.set(Long.MIN_VALUE);
            List<LogSegment> removed = new ArrayList<>(segments.values());
            for (LogSegment s : removed) {
                renameForDeletion(s);
            }
            LogSegment fresh = LogSegment.open(dir, offset, "", config.indexIntervalBytes(),
                    config.segmentIndexBytes(), clock.wallMs());
            segments.put(offset, fresh);
            for (LogSegment s : removed) {
                segments.remove(s.baseOffset(), s);
                finishDeletion(s);
            }
            logStartOffset = offset;
            logEndOffset = offset;
            cleanerOffset = offset;
            epochs.clear();
            producers.loadSnapshot(-1);
            waiters.reset(offset, new NotLeaderOrFollowerException("Log of " + tp + " was emptied and restarted at "
                    + offset));
            segmentsDurable.set(offset);
            renewJournalGeneration();
        } catch (IOException | UncheckedIOException e) {
            throw offline("truncation failed", e);
        } finally {
            flushLock.writeLock().unlock();
            structureLock.unlock();
        }
    }

    // ---------------------------------------------------------------- retention

    @Override
    public long deleteRecordsBefore(long offset) {
        checkOnline();
        if (offset > logEndOffset) {
            throw new OffsetOutOfRangeException("Cannot delete records before " + offset + ": log end is "
                    + logEndOffset);
        }
        if (offset <= logStartOffset) {
            return logStartOffset;
        }
        logStartOffset = offset;
        cleanerOffset = Math.max(cleanerOffset, offset);
        try {
            epochs.truncateFromStart(offset);
        } catch (UncheckedIOException e) {
            throw offline("cannot write " + LeaderEpochFileCache.FILE_NAME, e);
        }
        deleteSegmentsBelowLogStart();
        writeCheckpoint(false);
        return logStartOffset;
    }

    private int deleteSegmentsBelowLogStart() {
        List<LogSegment> doomed = new ArrayList<>();
        for (Map.Entry<Long, LogSegment> e : segments.entrySet()) {
            Long next = segments.higherKey(e.getKey());
            if (next == null || next > logStartOffset) {
                break;
            }
            doomed.add(e.getValue());
        }
        removeSegments(doomed);
        return doomed.size();
    }

    @Override
    public int enforceRetention() {
        checkOnline();
        producers.removeExpired();
        LogConfig cfg = config;
        long now = clock.wallMs();
        try {
            LogSegment active = activeSegment();
            if (active.sizeInBytes() > 0 && now - active.rollingBaseTimestamp() > cfg.segmentMs()) {
                roll();
            }
        } catch (IOException | UncheckedIOException e) {
            throw offline("roll failed", e);
        }
        if (!cfg.cleanupDelete()) {
            return deleteSegmentsBelowLogStart();
        }
        List<LogSegment> doomed = RetentionPolicy.expiredSegments(segments, cfg, now, logEndOffset,
                highWatermarkBound());
        if (doomed.contains(activeSegment())) {
            try {
                roll();
            } catch (IOException | UncheckedIOException e) {
                throw offline("roll failed", e);
            }
        }
        if (!doomed.isEmpty()) {
            Long nextBase = segments.higherKey(doomed.get(doomed.size() - 1).baseOffset());
            logStartOffset = Math.max(logStartOffset, nextBase == null ? logEndOffset : nextBase);
            cleanerOffset = Math.max(cleanerOffset, logStartOffset);
            removeSegments(doomed);
            // whole segments went: after a crash before these writes, the next open derives the same log start
            // from the first segment left and trims the stale epochs again, so the files follow in the background
            if (epochs.truncateFromStartInMemory(logStartOffset)) {
                epochFileDue.set(true);
            }
            checkpointDue.set(true);
            env.flusher().request(this);
        }
        return doomed.size() + deleteSegmentsBelowLogStart();
    }

    private void removeSegments(List<LogSegment> doomed) {
        if (doomed.isEmpty()) {
            return;
        }
        structureLock.lock();
        try {
            for (LogSegment s : doomed) {
                segments.remove(s.baseOffset(), s);
            }
            deleteSegmentsAsync(doomed);
        } finally {
            structureLock.unlock();
        }
    }

    /**
     * Renames the segments' files to {@code .deleted}, unlinks them after {@code file.delete.delay.ms} and
     * drops the log's reference (readers holding slices keep the files open until they release them).
     */
    void deleteSegmentsAsync(List<LogSegment> doomed) {
        for (LogSegment s : doomed) {
            renameForDeletion(s);
            finishDeletion(s);
        }
    }

    private void renameForDeletion(LogSegment s) {
        try {
            s.renameWithSuffix(LogSegment.DELETED_SUFFIX);
        } catch (IOException e) {
            LOG.warn("{}: cannot rename {} for deletion; it will be unlinked under its name", tp, s.logFile(), e);
        }
    }

    private void finishDeletion(LogSegment s) {
        scheduleFileDeletion(s);
        releaseInBackground(s);
        env.metrics().segmentDeleted();
    }

    /**
     * Drops the log's reference on the scheduler: closing the last handle of an unlinked segment frees its
     * page cache, which takes the kernel milliseconds per 64 MiB, so the owner thread does not wait for it.
     */
    private void releaseInBackground(LogSegment s) {
        try {
            env.scheduler().execute(s::release);
        } catch (RejectedExecutionException e) {
            s.release();
        }
    }

    private void scheduleFileDeletion(LogSegment s) {
        Runnable delete = () -> {
            try {
                s.deleteFiles();
            } catch (IOException e) {
                LOG.warn("{}: cannot delete {}", tp, s.logFile(), e);
            }
        };
        long delayMs = config.fileDeleteDelayMs();
        if (delayMs == 0) {
            delete.run();
            return;
        }
        try {
            env.scheduler().schedule(delete, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            delete.run();
        }
    }

    // ---------------------------------------------------------------- idempotent producers

    /**
     * Rebuilds producer state as of the log end: the newest snapshot at or below it, then the batch headers
     * from there on (Kafka's {@code loadProducerState}). Used on open and after truncation.
     */
    private void reloadProducerState() {
        try {
            long snapshot = producers.loadSnapshot(logEndOffset);
            long from = Math.max(snapshot, segments.firstKey());
            Long floor = segments.floorKey(from);
            for (LogSegment seg : segments.tailMap(floor == null ? segments.firstKey() : floor, true).values()) {
                int position = seg.offsetIndex().lookup(from).position();
                for (FileLogInputStream.FileChannelRecordBatch batch : seg.records().batchesFrom(position)) {
                    if (batch.hasProducerId() && batch.lastOffset() >= from) {
                        producers.update(batch, appendTimeOf(batch));
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw offline("cannot rebuild producer state", e);
        }
    }

    private void snapshotProducers(ProducerStateManager.PreparedSnapshot snapshot) {
        try {
            producers.writeSnapshot(snapshot);
        } catch (KafkaStorageException e) {
            throw offline("cannot write a producer snapshot", e);
        }
    }

    private static long appendTimeOf(RecordBatch batch) {
        return batch.timestampType() == TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp() : -1;
    }

    // ---------------------------------------------------------------- compaction support

    long cleanerOffset() {
        return cleanerOffset;
    }

    /** How many truncations have started; the cleaner aborts rather than report corruption when it moved. */
    long truncationCount() {
        return truncations.get();
    }

    /**
     * Replaces {@code old} (consecutive closed segments) with {@code cleaned}, whose files carry the
     * {@code .swap} suffix (the commit point already passed). Returns false, changing nothing, when the
     * segments changed meanwhile (retention, truncation); the caller then discards its output.
     */
    boolean replaceSegments(List<LogSegment> old, LogSegment cleaned, long newCleanerOffset) throws IOException {
        structureLock.lock();
        try {
            if (offlineReason != null || closed) {
                return false;
            }
            for (LogSegment s : old) {
                if (segments.get(s.baseOffset()) != s || s == activeSegment()) {
                    return false;
                }
            }
            for (LogSegment s : old) {
                segments.remove(s.baseOffset(), s);
            }
            segments.put(cleaned.baseOffset(), cleaned);
            deleteSegmentsAsync(old);
            cleaned.renameWithSuffix("");
            AtomicFiles.fsyncDirectory(dir);
            cleanerOffset = Math.max(cleanerOffset, newCleanerOffset);
        } finally {
            structureLock.unlock();
        }
        writeCheckpoint(false);
        return true;
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public void close() {
        if (closed) {
            return;
        }
        boolean clean = offlineReason == null;
        if (clean) {
            try {
                flushLock.writeLock().lock();
                try {
                    completeSealed(segments.headMap(activeSegment().baseOffset(), false), Long.MAX_VALUE);
                    producers.takeSnapshot(logEndOffset);
                    if (epochFileDue.getAndSet(false)) {
                        epochs.writeFile();
                    }
                    long fsyncStartNs = clock.monotonicNs();
                    activeSegment().onBecomeInactive();
                    env.metrics().fsync(clock.monotonicNs() - fsyncStartNs);
                    segmentsDurable.accumulateAndGet(logEndOffset, Math::max);
                    waiters.advance(logEndOffset);
                } finally {
                    flushLock.writeLock().unlock();
                }
                writeCheckpoint(true);
            } catch (IOException | UncheckedIOException | KafkaStorageException e) {
                LOG.error("{}: clean close failed; the next open will recover the log", tp, e);
            }
        }
        closed = true;
        waiters.failAll(new KafkaStorageException("Log " + tp + " is closed"));
        segments.values().forEach(LogSegment::release);
        buffers.close();
        if (ownsEnv) {
            env.close();
        }
    }

    /**
     * Test hook simulating {@code kill -9}: drops every handle without flushing, trimming or checkpointing,
     * leaving the directory exactly as a crash would (page cache contents aside).
     */
    void crashForTesting() {
        flushLock.writeLock().lock(); // let a background pass in progress finish its I/O first
        closed = true;
        flushLock.writeLock().unlock();
        waiters.failAll(new KafkaStorageException("Log " + tp + " crashed"));
        segments.values().forEach(LogSegment::release);
        if (ownsEnv) {
            env.close();
        }
    }

    @Override
    public void delete() {
        close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new KafkaStorageException("Cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- offline

    private void checkOnline() {
        if (offlineReason != null) {
            throw storageError();
        }
        if (closed) {
            throw new KafkaStorageException("Log " + tp + " is closed");
        }
    }

    private KafkaStorageException storageError() {
        return new KafkaStorageException("Log " + tp + " is offline: " + offlineReason);
    }

    /** Takes the log offline (logging the cause once) and returns the exception for the caller. */
    KafkaStorageException offline(String what, Throwable cause) {
        markOffline(what + ": " + cause.getMessage(), cause);
        return storageError();
    }

    private synchronized void markOffline(String reason, Throwable cause) {
        if (offlineReason != null) {
            return;
        }
        offlineCause = cause instanceof SegmentCorruptedException ? OFFLINE_CORRUPTION : OFFLINE_IO_ERROR;
        offlineReason = reason;
        LOG.error("Log {} in {} is now offline: {}", tp, dir, reason, cause);
        env.metrics().logOffline();
        waiters.failAll(storageError());
    }

    @Override
    public String toString() {
        return "SegmentedLog(" + tp + ", " + dir + ")";
    }
}
