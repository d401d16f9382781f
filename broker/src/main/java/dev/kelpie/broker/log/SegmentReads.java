package dev.kelpie.broker.log;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.common.record.internal.FileRecords;

/**
 * The read paths over a log's segment map: Fetch slices and ListOffsets lookups.
 *
 * <p>Read: from the segment holding the start offset (or the next one, across compaction gaps), the offset
 * index gives a position at or before the batch holding the offset and {@link FileRecords} scans batch
 * headers forward to it. The slice ends at the last whole batch that fits {@code maxBytes} (at least one batch
 * when {@code minOneBatch}) and lies wholly below the bound, and never leaves the segment. Its bytes are
 * CRC-checked once per process ({@link LogSegment#verifyRange}) before they are handed out.
 *
 * <p>Timestamps: the first segment whose largest timestamp reaches the target, then its time index, its offset
 * index and a scan of the records from there ({@link FileRecords#searchForTimestamp}).
 *
 * <p>Thread-safety: stateless; every segment touched is pinned with {@link LogSegment#tryRetain} first, and a
 * read whose segment was dropped meanwhile returns null so the caller retries on the new segment map.
 */
final class SegmentReads {
    private SegmentReads() {}

    /** The slice to send, an empty slice, or null when a segment vanished under the read. */
    static FileSlice read(NavigableMap<Long, LogSegment> segments, long fromBase, long startOffset, int maxBytes,
            long bound, boolean minOneBatch, Supplier<FileSlice> empty) {
        for (Map.Entry<Long, LogSegment> e : segments.tailMap(fromBase, true).entrySet()) {
            LogSegment seg = e.getValue();
            if (seg.baseOffset() >= bound && seg.baseOffset() > startOffset) {
                break;
            }
            if (!seg.tryRetain()) {
                return null;
            }
            boolean handedOff = false;
            try {
                FileRecords.LogOffsetPosition start = seg.translateOffset(startOffset);
                if (start == null) {
                    continue;
                }
                Long nextBase = segments.higherKey(seg.baseOffset());
                FileSlice slice = sliceOf(seg, start, maxBytes, bound, nextBase, minOneBatch);
                handedOff = slice != null;
                return handedOff ? slice : empty.get();
            } finally {
                if (!handedOff) {
                    seg.release();
                }
            }
        }
        return empty.get();
    }

    /** The slice of {@code seg} from {@code start}, or null when nothing fits. */
    private static FileSlice sliceOf(LogSegment seg, FileRecords.LogOffsetPosition start, int maxBytes, long bound,
            Long nextBase, boolean minOneBatch) {
        int limit = seg.sizeInBytes();
        if (nextBase == null || bound < nextBase) {
            FileRecords.LogOffsetPosition cut = seg.translateOffset(bound);
            if (cut != null) {
                limit = Math.min(limit, cut.position);
            }
        }
        if (limit <= start.position) {
            return null;
        }
        long want = minOneBatch ? Math.max(maxBytes, start.size) : maxBytes;
        int end = seg.batchBoundaryAtOrBelow(start.position, (int) Math.min(limit, start.position + want));
        if (end <= start.position) {
            return null;
        }
        seg.verifyRange(start.position, end);
        return new FileSlice(seg.records().channel(), start.position, end - start.position, seg::release);
    }

    /** The first record at or after {@code lso} whose timestamp is ≥ {@code timestamp}. */
    static Optional<FileRecords.TimestampAndOffset> firstAtOrAfter(NavigableMap<Long, LogSegment> segments,
            long timestamp, long lso) {
        for (LogSegment seg : segments.values()) {
            if (seg.maxTimestamp().timestamp() < timestamp || !seg.tryRetain()) {
                continue;
            }
            try {
                TimeIndex.Entry hint = seg.timeIndex().lookup(timestamp);
                int position = seg.offsetIndex().lookup(Math.max(hint.offset(), lso)).position();
                FileRecords.TimestampAndOffset found = seg.records().searchForTimestamp(timestamp, position, lso,
                        SegmentedLog.MAX_RECORD_BYTES);
                if (found != null) {
                    return Optional.of(found);
                }
            } finally {
                seg.release();
            }
        }
        return Optional.empty();
    }

    /** The first record carrying the log's largest timestamp (ListOffsets MAX_TIMESTAMP). */
    static Optional<FileRecords.TimestampAndOffset> maxTimestamp(NavigableMap<Long, LogSegment> segments, long lso) {
        LogSegment best = null;
        for (LogSegment seg : segments.values()) {
            if (best == null || seg.maxTimestamp().timestamp() > best.maxTimestamp().timestamp()) {
                best = seg;
            }
        }
        if (best == null || best.maxTimestamp().timestamp() < 0 || !best.tryRetain()) {
            return Optional.empty();
        }
        try {
            LogSegment.MaxTimestamp max = best.maxTimestamp();
            int position = best.offsetIndex().lookup(max.offset()).position();
            return Optional.ofNullable(best.records().searchForTimestamp(max.timestamp(), position, lso,
                    SegmentedLog.MAX_RECORD_BYTES));
        } finally {
            best.release();
        }
    }
}
