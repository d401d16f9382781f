package dev.kelpie.broker.log;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory and brings it to a consistent state (Kafka's log loading and recovery).
 *
 * <ol>
 *   <li>Leftovers are removed: {@code *.tmp} (unfinished checkpoints), {@code *.cleaned} (compaction output
 *       before its commit point), {@code *.deleted} (segments whose asynchronous removal was interrupted),
 *       index files without a {@code .log}.</li>
 *   <li>Committed compaction output ({@code <base>.log.swap}) replaces the segments whose base offsets lie in
 *       its offset range, then is renamed live.</li>
 *   <li>Segments from the one holding the recovery point to the end are scanned batch by batch (magic, CRC,
 *       ascending offsets) and their indexes rebuilt; so is any older segment whose index files are missing
 *       or inconsistent. After a clean shutdown (flag in {@link PartitionCheckpoint}) only the tail of the last
 *       segment after its last index entry is checked, and the segment recovered if that tail is bad.</li>
 *   <li>Every byte below the recovery point was fsynced, and nothing above it was necessarily: a roll leaves
 *       the sealed segment's fsync to the background (under {@code flush.policy=interval} until it has been
 *       sealed for {@link LogEnvironment#rollFlushDelayMs()}), and the appending thread never waits for it, so
 *       any number of segments above the recovery point may hold a torn write after an unclean shutdown (as in
 *       Kafka). Invalid bytes where the next offset expected is at or above the recovery point are therefore
 *       a torn write: they are truncated, logged and counted, and every later segment, written after the tear,
 *       is removed and counted too. Invalid bytes below the recovery point (in the segment holding it, or in an
 *       older one whose indexes are rebuilt) cannot come from a torn write, so they are damage: loading stops
 *       and the log opens offline, naming file and position. After a clean shutdown, an invalid tail of the
 *       last segment is truncated as a torn write.</li>
 *   <li>Recovered segments are fsynced, then the recovery point is the log end.</li>
 * </ol>
 *
 * <p>Thread-safety: used by one thread while the log is not yet published.
 */
final class LogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    /** The loaded state, or the corruption that keeps the log offline. */
    record Loaded(ConcurrentSkipListMap<Long, LogSegment> segments, long logStartOffset, long logEndOffset,
            long cleanerOffset, long truncatedBytes, SegmentCorruptedException corruption) {}

    private final Path dir;
    private final TopicPartition tp;
    private final LogConfig config;
    private final long nowMs;
    private final LeaderEpochFileCache epochs;
    private final ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();

    LogLoader(Path dir, TopicPartition tp, LogConfig config, long nowMs, LeaderEpochFileCache epochs) {
        this.dir = dir;
        this.tp = tp;
        this.config = config;
        this.nowMs = nowMs;
        this.epochs = epochs;
    }

    Loaded load(PartitionCheckpoint checkpoint) throws IOException {
        try {
            return loadSegments(checkpoint);
        } catch (IOException | RuntimeException e) {
            segments.values().forEach(LogSegment::release);
            throw e;
        }
    }

    private Loaded loadSegments(PartitionCheckpoint checkpoint) throws IOException {
        TreeSet<Long> swaps = removeLeftovers();
        for (long swapBase : swaps) {
            SegmentCorruptedException bad = completeSwap(swapBase);
            if (bad != null) {
                return offline(bad);
            }
        }
        for (long base : liveBases()) {
            segments.put(base, openSegment(base));
        }
        if (segments.isEmpty()) {
            long start = checkpoint.logStartOffset();
            segments.put(start, LogSegment.open(dir, start, "", config.indexIntervalBytes(),
                    config.segmentIndexBytes(), nowMs));
        }
        long recoverFrom = recoveryStart(checkpoint);
        long truncated = 0;
        for (Map.Entry<Long, LogSegment> e : new ArrayList<>(segments.entrySet())) {
            LogSegment seg = e.getValue();
            Long nextBase = segments.higherKey(e.getKey());
            boolean last = nextBase == null;
            boolean tornTail = last && seg.baseOffset() < recoverFrom && !seg.tailIsValid();
            if (tornTail) {
                LOG.warn("{}: {} ends in invalid bytes despite a clean shutdown; recovering it", tp, seg.logFile());
            }
            if (!tornTail && seg.baseOffset() < recoverFrom && indexesUsable(seg, nextBase)) {
                continue;
            }
            long truncateFrom = tornTail ? Long.MIN_VALUE : truncateFrom(checkpoint);
            LogSegment.RecoveryResult r = seg.recover(truncateFrom, this::onBatch);
            if (r.corruption() != null) {
                return offline(r.corruption());
            }
            if (r.truncatedBytes() > 0) {
                LOG.warn("{}: truncated {} invalid bytes at position {} of {} (torn or corrupt tail)", tp,
                        r.truncatedBytes(), r.validBytes(), seg.logFile());
                truncated += r.truncatedBytes();
            }
            seg.flushLog();
            if (!last && r.truncatedBytes() > 0) {
                truncated += dropSegmentsAbove(seg.baseOffset());
                break;
            }
            if (!last) {
                seg.onBecomeInactive();
            }
        }
        LogSegment active = segments.lastEntry().getValue();
        active.makeActive();
        long logEnd = active.readNextOffset();
        long logStart = Math.min(Math.max(checkpoint.logStartOffset(), segments.firstKey()), logEnd);
        epochs.truncateFromEnd(logEnd);
        epochs.truncateFromStart(logStart);
        long cleanerOffset = Math.min(Math.max(checkpoint.cleanerOffset(), logStart), logEnd);
        return new Loaded(segments, logStart, logEnd, cleanerOffset, truncated, null);
    }

    /**
     * Removes every segment after a torn write in the one at {@code base}: their bytes were written after the
     * tear and never recorded durable. Returns their size.
     */
    private long dropSegmentsAbove(long base) throws IOException {
        long bytes = 0;
        for (LogSegment dropped : new ArrayList<>(segments.tailMap(base, false).values())) {
            segments.remove(dropped.baseOffset());
            bytes += dropped.sizeInBytes();
            LOG.warn("{}: removed {} ({} bytes) after a torn write in an earlier segment", tp, dropped.logFile(),
                    dropped.sizeInBytes());
            dropped.release();
            dropped.deleteFiles();
        }
        AtomicFiles.fsyncDirectory(dir);
        return bytes;
    }

    private void onBatch(RecordBatch batch) {
        epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
    }

    /**
     * Invalid bytes at or above the recovery point can be a write the kernel had not finished when the machine
     * stopped: truncated. Below it every byte was fsynced, so invalid bytes there are damage.
     */
    private static long truncateFrom(PartitionCheckpoint checkpoint) {
        return checkpoint.cleanShutdown() ? Long.MAX_VALUE : checkpoint.recoveryPoint();
    }

    private long recoveryStart(PartitionCheckpoint checkpoint) {
        if (checkpoint.cleanShutdown()) {
            return Long.MAX_VALUE;
        }
        Long floor = segments.floorKey(checkpoint.recoveryPoint());
        return floor == null ? Long.MIN_VALUE : floor;
    }

    private Loaded offline(SegmentCorruptedException corruption) {
        return new Loaded(segments, -1, -1, -1, 0, corruption);
    }

    private LogSegment openSegment(long base) throws IOException {
        boolean indexesExist = Files.exists(LogSegment.file(dir, base, LogSegment.INDEX_SUFFIX, ""))
                && Files.exists(LogSegment.file(dir, base, LogSegment.TIME_INDEX_SUFFIX, ""));
        LogSegment seg = LogSegment.open(dir, base, "", config.indexIntervalBytes(), config.segmentIndexBytes(),
                Files.getLastModifiedTime(LogSegment.file(dir, base, LogSegment.LOG_SUFFIX, "")).toMillis());
        if (!indexesExist) {
            LOG.info("{}: index files of segment {} are missing; rebuilding them", tp, base);
            seg.markIndexesMissing();
        }
        return seg;
    }

    private boolean indexesUsable(LogSegment seg, Long nextBase) {
        long limit = nextBase == null ? Long.MAX_VALUE : nextBase;
        boolean ok = !seg.indexesMissing() && seg.offsetIndex().hasWholeEntries()
                && seg.timeIndex().hasWholeEntries()
                && seg.offsetIndex().isConsistentWith(seg.sizeInBytes(), limit)
                && seg.timeIndex().isConsistentWith(limit);
        if (!ok && !seg.indexesMissing()) {
            LOG.warn("{}: indexes of {} are inconsistent with the segment; rebuilding them", tp, seg.logFile());
        }
        return ok;
    }

    /** Deletes leftover files and returns the base offsets of committed compaction output. */
    private TreeSet<Long> removeLeftovers() throws IOException {
        TreeSet<Long> swaps = new TreeSet<>();
        List<Path> toDelete = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(AtomicFiles.TMP_SUFFIX) || name.endsWith(LogSegment.CLEANED_SUFFIX)
                        || name.endsWith(LogSegment.DELETED_SUFFIX)) {
                    toDelete.add(f);
                } else if (name.endsWith(LogSegment.LOG_SUFFIX + LogSegment.SWAP_SUFFIX)) {
                    swaps.add(baseOf(name));
                } else if (isIndexFile(name, "") && !Files.exists(logFileFor(name, ""))) {
                    toDelete.add(f);
                } else if (isIndexFile(name, LogSegment.SWAP_SUFFIX)
                        && !Files.exists(logFileFor(name, LogSegment.SWAP_SUFFIX))) {
                    toDelete.add(f);
                }
            }
        }
        for (Path f : toDelete) {
            Files.deleteIfExists(f);
        }
        return swaps;
    }

    private static boolean isIndexFile(String name, String suffix) {
        return name.endsWith(LogSegment.INDEX_SUFFIX + suffix) || name.endsWith(LogSegment.TIME_INDEX_SUFFIX + suffix);
    }

    private Path logFileFor(String indexName, String suffix) {
        return LogSegment.file(dir, baseOf(indexName), LogSegment.LOG_SUFFIX, suffix);
    }

    static long baseOf(String fileName) {
        return Long.parseLong(fileName.substring(0, 20));
    }

    private List<Long> liveBases() throws IOException {
        List<Long> bases = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LogSegment.LOG_SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.length() == 20 + LogSegment.LOG_SUFFIX.length()) {
                    bases.add(baseOf(name));
                }
            }
        }
        bases.sort(null);
        return bases;
    }

    /** Replaces the segments covered by a committed swap file, then renames it live. */
    private SegmentCorruptedException completeSwap(long swapBase) throws IOException {
        LogSegment swap = LogSegment.open(dir, swapBase, LogSegment.SWAP_SUFFIX, config.indexIntervalBytes(),
                config.segmentIndexBytes(), nowMs);
        try {
            LogSegment.RecoveryResult r = swap.recover(Long.MAX_VALUE, b -> { });
            if (r.corruption() != null) {
                return r.corruption();
            }
            swap.onBecomeInactive();
            long next = swap.readNextOffset();
            for (long base : liveBases()) {
                if (base >= swapBase && base < next) {
                    for (String kind : List.of(LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX,
                            LogSegment.TIME_INDEX_SUFFIX)) {
                        Files.deleteIfExists(LogSegment.file(dir, base, kind, ""));
                    }
                }
            }
            swap.renameWithSuffix("");
            AtomicFiles.fsyncDirectory(dir);
            LOG.info("{}: completed an interrupted compaction swap at offset {}", tp, swapBase);
            return null;
        } finally {
            swap.release();
        }
    }
}
