package dev.kelpie.broker.log;

import dev.kelpie.broker.common.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.Utils;

/**
 * One compaction of one log (Kafka's {@code Cleaner.clean}).
 *
 * <ol>
 *   <li>Cleanable range: closed segments below the active one, below the high watermark and older than
 *       {@code min.compaction.lag.ms}; its dirty part starts at the log's cleaner offset.</li>
 *   <li>Map: key → latest offset over the dirty part (stopping at a segment boundary when the map is full).</li>
 *   <li>Rewrite every segment from the log start to the end of the map in groups of at most
 *       {@code segment.bytes}, through kafka-clients' {@link MemoryRecords#filterTo}: a record survives when no
 *       later offset of its key is mapped; a tombstone also needs its batch's delete horizon (set to
 *       now + {@code delete.retention.ms} the first time a pass sees it) not to have passed; keyless
 *       records are dropped; control batches are kept.</li>
 *   <li>Batch headers: {@code filterTo} rebuilds a partially retained batch with the original producer id,
 *       epoch, base sequence, base offset <em>and last offset</em>, so sequence numbers stay right. A batch
 *       that loses every record disappears, except (kept as an empty batch) the last batch of each producer in
 *       the whole log, so producer state rebuilt from batch headers after a restart is unchanged, and the last
 *       batch of each group, so a cleaned segment ends at the same offset as the segments it replaces.</li>
 *   <li>Each group is written to {@code <base>.log.cleaned} (+ indexes), fsynced, renamed to {@code .swap}
 *       (the commit point, recovered by {@link LogLoader}) and swapped in by
 *       {@link SegmentedLog#replaceSegments}, which refuses if retention or truncation changed the segments
 *       meanwhile. Readers holding the old segments keep them through their reference counts.</li>
 * </ol>
 * Every batch read is CRC-checked before it is rewritten; corruption takes the log offline.
 *
 * <p>Thread-safety: runs on the cleaner thread only; touches the log through its thread-safe members.
 */
final class CompactionPass {
    private final SegmentedLog log;
    private final LogConfig cfg;
    private final long nowMs;
    private final Throttler throttler;
    private final LogMetrics metrics;
    private final KeyOffsetMap map;
    private final long truncationsAtStart;
    private ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
    private ByteBuffer writeBuffer = ByteBuffer.allocate(256 * 1024);

    CompactionPass(SegmentedLog log, Clock clock, Throttler throttler, LogMetrics metrics, long dedupeBufferBytes) {
        this.log = log;
        this.cfg = log.config();
        this.nowMs = clock.wallMs();
        this.throttler = throttler;
        this.metrics = metrics;
        this.map = new KeyOffsetMap(dedupeBufferBytes);
        this.truncationsAtStart = log.truncationCount();
    }

    /** A truncation or close ran during the pass: its reads may have failed for that reason alone. */
    static final class AbortedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AbortedException() {
            super("log truncated during compaction", null, false, false);
        }
    }

    /** Corruption takes the log offline, unless a concurrent truncation explains the bad read. */
    private RuntimeException corruption(LogSegment src, int position, Exception e) {
        if (log.truncationCount() != truncationsAtStart || !log.isOnline()) {
            return new AbortedException();
        }
        SegmentCorruptedException c = new SegmentCorruptedException(src.logFile(), position,
                String.valueOf(e.getMessage()), e);
        return log.offline(c.getMessage(), c);
    }

    /** First offset that may not be cleaned yet: a segment boundary. */
    static long firstUncleanableOffset(SegmentedLog log, long nowMs) {
        NavigableMap<Long, LogSegment> segs = log.segmentMap();
        long bound = Math.min(log.activeSegment().baseOffset(), log.highWatermarkBound());
        long lagMs = log.config().minCompactionLagMs();
        if (lagMs > 0) {
            for (LogSegment s : segs.values()) {
                if (s.baseOffset() >= bound) {
                    break;
                }
                if (s.maxTimestamp().timestamp() > nowMs - lagMs) {
                    bound = s.baseOffset();
                    break;
                }
            }
        }
        Long floor = segs.floorKey(bound);
        return floor == null ? Long.MIN_VALUE : floor;
    }

    /** Dirty bytes / cleanable bytes, by whole segments; 0 when nothing is dirty. */
    static double dirtyRatio(SegmentedLog log, long nowMs) {
        long end = firstUncleanableOffset(log, nowMs);
        NavigableMap<Long, LogSegment> segs = log.segmentMap();
        Long dirtyStart = segs.floorKey(Math.max(log.cleanerOffset(), log.logStartOffset()));
        if (dirtyStart == null || dirtyStart >= end) {
            return 0;
        }
        long clean = 0;
        long dirty = 0;
        for (LogSegment s : segs.headMap(end, false).values()) {
            if (s.baseOffset() < dirtyStart) {
                clean += s.sizeInBytes();
            } else {
                dirty += s.sizeInBytes();
            }
        }
        return dirty == 0 ? 0 : (double) dirty / (clean + dirty);
    }

    /** Runs the pass. Returns whether segments were replaced. */
    boolean run() throws IOException, InterruptedException {
        long end = firstUncleanableOffset(log, nowMs);
        NavigableMap<Long, LogSegment> segs = new TreeMap<>(log.segmentMap());
        Long dirtyStart = segs.floorKey(Math.max(log.cleanerOffset(), log.logStartOffset()));
        if (dirtyStart == null || dirtyStart >= end) {
            return false;
        }
        List<LogSegment> pinned = new ArrayList<>();
        try {
            for (LogSegment s : segs.values()) {
                if (!s.tryRetain()) {
                    return false;
                }
                pinned.add(s);
            }
            long mapEnd = buildMap(segs.subMap(dirtyStart, true, end, false), end);
            Map<Long, Long> producerLast = lastBatchOfEachProducer(segs.values());
            List<List<LogSegment>> groups = groups(new ArrayList<>(segs.headMap(mapEnd, false).values()));
            boolean swapped = false;
            for (int i = 0; i < groups.size(); i++) {
                long newCleanerOffset = i == groups.size() - 1 ? mapEnd : log.cleanerOffset();
                swapped |= cleanGroup(groups.get(i), producerLast, newCleanerOffset);
            }
            return swapped;
        } finally {
            pinned.forEach(LogSegment::release);
        }
    }

    /** Maps keys of the dirty segments; returns the segment boundary the map covers up to. */
    private long buildMap(NavigableMap<Long, LogSegment> dirty, long end) throws InterruptedException {
        long from = Math.max(log.cleanerOffset(), log.logStartOffset());
        for (LogSegment s : dirty.values()) {
            if (map.isFull() && map.size() > 0) {
                return s.baseOffset();
            }
            for (FileChannelRecordBatch batch : s.records().batches()) {
                checkValid(s, batch);
                throttler.acquire(batch.sizeInBytes());
                if (batch.isControlBatch() || batch.lastOffset() < from) {
                    continue;
                }
                for (Record r : batch) {
                    if (r.hasKey() && r.offset() >= from) {
                        map.put(r.key(), r.offset());
                    }
                }
            }
        }
        return end;
    }

    private void checkValid(LogSegment s, FileChannelRecordBatch batch) {
        try {
            batch.ensureValid();
        } catch (KafkaException e) {
            throw corruption(s, batch.position(), e);
        }
    }

    private static Map<Long, Long> lastBatchOfEachProducer(Iterable<LogSegment> segs) {
        Map<Long, Long> last = new HashMap<>();
        for (LogSegment s : segs) {
            for (FileChannelRecordBatch batch : s.records().batches()) {
                if (batch.hasProducerId()) {
                    last.put(batch.producerId(), batch.lastOffset());
                }
            }
        }
        return last;
    }

    /** Consecutive segments whose total size and index entries fit one segment. */
    private List<List<LogSegment>> groups(List<LogSegment> segs) {
        int maxEntries = cfg.segmentIndexBytes() / TimeIndex.ENTRY_BYTES;
        List<List<LogSegment>> out = new ArrayList<>();
        List<LogSegment> cur = new ArrayList<>();
        long bytes = 0;
        long entries = 0;
        for (LogSegment s : segs) {
            boolean fits = bytes + s.sizeInBytes() <= cfg.segmentBytes()
                    && entries + s.offsetIndex().entries() + 1 <= maxEntries
                    && (cur.isEmpty() || s.readNextOffset() - 1 - cur.get(0).baseOffset() <= Integer.MAX_VALUE);
            if (!cur.isEmpty() && !fits) {
                out.add(cur);
                cur = new ArrayList<>();
                bytes = 0;
                entries = 0;
            }
            cur.add(s);
            bytes += s.sizeInBytes();
            entries += s.offsetIndex().entries() + 1;
        }
        if (!cur.isEmpty()) {
            out.add(cur);
        }
        return out;
    }

    private boolean cleanGroup(List<LogSegment> group, Map<Long, Long> producerLast, long newCleanerOffset)
            throws IOException, InterruptedException {
        LogSegment first = group.get(0);
        long groupLast = group.get(group.size() - 1).readNextOffset() - 1;
        for (String kind : List.of(LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX)) {
            Files.deleteIfExists(LogSegment.file(log.dir(), first.baseOffset(), kind, LogSegment.CLEANED_SUFFIX));
        }
        LogSegment cleaned = LogSegment.open(log.dir(), first.baseOffset(), LogSegment.CLEANED_SUFFIX,
                cfg.indexIntervalBytes(), cfg.segmentIndexBytes(), nowMs);
        boolean swapped = false;
        try {
            CleanerFilter filter = new CleanerFilter(nowMs, cfg.deleteRetentionMs(), map, producerLast, groupLast);
            for (LogSegment src : group) {
                copyFiltered(src, cleaned, filter);
            }
            cleaned.onBecomeInactive();
            cleaned.renameWithSuffix(LogSegment.SWAP_SUFFIX);
            AtomicFiles.fsyncDirectory(log.dir());
            swapped = log.replaceSegments(group, cleaned, newCleanerOffset);
            if (!swapped) {
                cleaned.deleteFiles();
            }
            return swapped;
        } finally {
            if (!swapped) {
                cleaned.release();
            }
        }
    }

    private void copyFiltered(LogSegment src, LogSegment dst, CleanerFilter filter)
            throws IOException, InterruptedException {
        int position = 0;
        int size = src.sizeInBytes();
        while (position < size) {
            ByteBuffer in = readBuffer;
            in.clear();
            in.limit(Math.min(in.capacity(), size - position));
            Utils.readFully(src.records().channel(), in, position);
            in.flip();
            writeBuffer.clear();
            MemoryRecords.FilterResult result;
            try {
                result = MemoryRecords.readableRecords(in).filterTo(filter, writeBuffer, BufferSupplier.NO_CACHING,
                        SegmentedLog.MAX_RECORD_BYTES);
            } catch (KafkaException e) {
                throw corruption(src, position, e);
            }
            if (result.bytesRead() == 0) {
                growReadBuffer(src, in, position);
                continue;
            }
            ByteBuffer out = result.outputBuffer();
            writeBuffer = out;
            out.flip();
            int written = out.remaining();
            if (written > 0) {
                dst.append(MemoryRecords.readableRecords(out.slice()));
            }
            position += result.bytesRead();
            metrics.cleaned(result.bytesRead(), written);
            throttler.acquire((long) result.bytesRead() + written);
        }
    }

    private void growReadBuffer(LogSegment src, ByteBuffer in, int position) {
        int needed = in.limit() >= 12 ? in.getInt(8) + 12 : -1;
        if (needed <= in.capacity()) {
            throw corruption(src, position, new KafkaException("batch of " + needed + " bytes does not parse"));
        }
        readBuffer = ByteBuffer.allocate(needed);
    }

    /** The record filter of one group. */
    private static final class CleanerFilter extends MemoryRecords.RecordFilter {
        private final KeyOffsetMap map;
        private final Map<Long, Long> producerLast;
        private final long groupLastOffset;

        CleanerFilter(long nowMs, long deleteRetentionMs, KeyOffsetMap map, Map<Long, Long> producerLast,
                long groupLastOffset) {
            super(nowMs, deleteRetentionMs);
            this.map = map;
            this.producerLast = producerLast;
            this.groupLastOffset = groupLastOffset;
        }

        @Override
        protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            batch.ensureValid();
            boolean keepHeader = batch.lastOffset() == groupLastOffset || (batch.hasProducerId()
                    && producerLast.getOrDefault(batch.producerId(), -1L) == batch.lastOffset());
            return new BatchRetentionResult(keepHeader ? BatchRetention.RETAIN_EMPTY : BatchRetention.DELETE_EMPTY,
                    false);
        }

        @Override
        protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (batch.isControlBatch()) {
                return true;
            }
            if (!record.hasKey()) {
                return false;
            }
            long latest = map.get(record.key());
            if (latest >= 0 && record.offset() < latest) {
                return false;
            }
            if (record.hasValue()) {
                return true;
            }
            OptionalLong horizon = batch.deleteHorizonMs();
            return horizon.isEmpty() || currentTime < horizon.getAsLong();
        }
    }
}
