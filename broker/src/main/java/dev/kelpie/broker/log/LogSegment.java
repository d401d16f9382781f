package dev.kelpie.broker.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition log: three files named by the segment's base offset as 20 zero-padded digits.
 *
 * <ul>
 *   <li>{@code <base>.log}: magic-v2 record batches back to back, byte-for-byte as Kafka stores them
 *       (8-byte base offset, 4-byte length, 4-byte partition leader epoch, magic 2, CRC32C, ...). Written
 *       and read only through kafka-clients' {@link FileRecords}.</li>
 *   <li>{@code <base>.index}: the sparse {@link OffsetIndex} (8-byte entries).</li>
 *   <li>{@code <base>.timeindex}: the sparse {@link TimeIndex} (12-byte entries).</li>
 * </ul>
 * Suffixes {@code .cleaned} and {@code .swap} mark compaction output before and after its commit point;
 * {@code .deleted} marks files waiting for asynchronous removal.
 *
 * <p>Reference counting: the log holds one reference from creation until it drops the segment (deletion,
 * truncation, compaction swap, close). Each {@link FileSlice} holds another. Files are closed when the count
 * reaches zero, so a slice of a deleted segment stays readable; deleted files are unlinked separately
 * (after {@code file.delete.delay.ms}), which open descriptors survive.
 *
 * <p>Lazy verification: bytes this process has not checked may be damaged on disk. Trusted are the prefix below
 * {@link #verifiedBytes()} (scanned, or written from validated memory right after it) and everything from
 * {@code appendedFrom} on (written by this process after it opened the segment). Reads verify the rest
 * before handing it out, so a corrupt batch in a segment recovery did not scan is never served, and bytes
 * are CRC-checked at most once per process when read sequentially.
 *
 * <p>Roll state: {@code active → sealed} ({@link #seal}, at roll; no more appends) {@code → durable}
 * ({@link #completeRollFlush}: fsynced, indexes trimmed; any thread, once). Truncation may make a sealed segment
 * active again ({@link #makeActive}).
 *
 * <p>Thread-safety: mutating methods ({@code append}, {@code truncateTo}, {@code seal}, {@code onBecomeInactive},
 * {@code recover}, {@code makeActive}) are called by the log's owner thread only. Reads, lookups,
 * {@code flush}, {@code completeRollFlush}, reference counting and verification are safe from any thread; the
 * roll state is guarded by this object's monitor. The published size of the {@code .log} file
 * ({@link FileRecords#sizeInBytes()}) only grows after bytes are fully written.
 */
final class LogSegment {
    private static final Logger LOG = LoggerFactory.getLogger(LogSegment.class);

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";

    /** The largest timestamp seen and the last offset of the first batch that reached it. */
    record MaxTimestamp(long timestamp, long offset) {}

    private final long baseOffset;
    private final FileRecords records;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;
    private final int maxIndexBytes;
    private final long createdMs;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicInteger verifiedBytes = new AtomicInteger();
    /** Position from which every byte was appended by this process, or -1. */
    private volatile int appendedFrom = -1;
    private int bytesSinceLastIndexEntry;
    private volatile MaxTimestamp maxTimestamp;
    private volatile long firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile long nextOffsetHint = -1;
    private boolean indexesMissing;
    /** Sealed by a roll, not yet fsynced and trimmed ({@link #completeRollFlush}). Guarded by this. */
    private boolean rollFlushPending;
    /** Wall-clock milliseconds of the last {@link #seal}; meaningful while {@link #rollFlushPending}. */
    private volatile long sealedAtMs;

    private LogSegment(long baseOffset, FileRecords records, OffsetIndex offsetIndex, TimeIndex timeIndex,
            int indexIntervalBytes, int maxIndexBytes, long createdMs) {
        this.baseOffset = baseOffset;
        this.records = records;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.indexIntervalBytes = indexIntervalBytes;
        this.maxIndexBytes = maxIndexBytes;
        this.createdMs = createdMs;
        TimeIndex.Entry last = timeIndex.lastEntry();
        this.maxTimestamp = new MaxTimestamp(last.timestamp(), last.offset());
    }

    static String fileStem(long offset) {
        return String.format(Locale.ROOT, "%020d", offset);
    }

    static Path file(Path dir, long baseOffset, String kind, String suffix) {
        return dir.resolve(fileStem(baseOffset) + kind + suffix);
    }

    /**
     * Opens (creating when absent) the three files of segment {@code baseOffset} in {@code dir}, each name
     * carrying {@code suffix} after its extension ("" for a live segment).
     */
    static LogSegment open(Path dir, long baseOffset, String suffix, int indexIntervalBytes, int maxIndexBytes,
            long nowMs) throws IOException {
        Path logFile = file(dir, baseOffset, LOG_SUFFIX, suffix);
        boolean exists = Files.exists(logFile);
        FileRecords records = FileRecords.open(logFile.toFile(), true, exists, 0, false);
        OffsetIndex offsetIndex = null;
        try {
            offsetIndex = new OffsetIndex(file(dir, baseOffset, INDEX_SUFFIX, suffix), baseOffset, maxIndexBytes);
            TimeIndex timeIndex = new TimeIndex(file(dir, baseOffset, TIME_INDEX_SUFFIX, suffix), baseOffset,
                    maxIndexBytes);
            return new LogSegment(baseOffset, records, offsetIndex, timeIndex, indexIntervalBytes, maxIndexBytes,
                    nowMs);
        } catch (IOException | RuntimeException e) {
            if (offsetIndex != null) {
                offsetIndex.close();
            }
            records.close();
            throw e;
        }
    }

    long baseOffset() {
        return baseOffset;
    }

    /** Records that the index files did not exist when the segment was opened (they must be rebuilt). */
    void markIndexesMissing() {
        indexesMissing = true;
    }

    boolean indexesMissing() {
        return indexesMissing;
    }

    /** Bytes of complete batches in the .log file. */
    int sizeInBytes() {
        return records.sizeInBytes();
    }

    FileRecords records() {
        return records;
    }

    OffsetIndex offsetIndex() {
        return offsetIndex;
    }

    TimeIndex timeIndex() {
        return timeIndex;
    }

    Path logFile() {
        return records.file().toPath();
    }

    MaxTimestamp maxTimestamp() {
        return maxTimestamp;
    }

    /** Largest record timestamp, or the creation time when the segment has none (retention). */
    long largestTimestamp() {
        long ts = maxTimestamp.timestamp();
        return ts >= 0 ? ts : createdMs;
    }

    /** The time segment.ms counts from: the first batch's max timestamp, else the creation time. */
    long rollingBaseTimestamp() {
        long ts = firstBatchTimestamp;
        return ts >= 0 ? ts : createdMs;
    }

    boolean hasTimestampedBatch() {
        return firstBatchTimestamp >= 0;
    }

    int verifiedBytes() {
        return verifiedBytes.get();
    }

    /** Whether the indexes have room for {@code batches} more entries. */
    boolean indexesHaveRoomFor(int batches) {
        return offsetIndex.entries() + batches <= offsetIndex.maxEntries()
                && timeIndex.entries() + batches + 1 <= timeIndex.maxEntries();
    }

    /**
     * Appends batches whose offsets are assigned and which were validated in memory. The bytes are written
     * before any index entry refers to them.
     */
    void append(MemoryRecords batches) throws IOException {
        int position = records.sizeInBytes();
        boolean contiguous = verifiedBytes.get() >= position;
        if (!contiguous && appendedFrom < 0) {
            appendedFrom = position;
        }
        records.append(batches);
        long next = -1;
        for (MutableRecordBatch batch : batches.batches()) {
            indexBatch(batch, position);
            position += batch.sizeInBytes();
            next = batch.nextOffset();
        }
        if (next >= 0) {
            nextOffsetHint = next;
        }
        if (contiguous) {
            verifiedBytes.accumulateAndGet(position, Math::max);
        }
    }

    private void indexBatch(RecordBatch batch, int position) {
        if (firstBatchTimestamp < 0 && batch.maxTimestamp() >= 0) {
            firstBatchTimestamp = batch.maxTimestamp();
        }
        if (batch.maxTimestamp() > maxTimestamp.timestamp()) {
            maxTimestamp = new MaxTimestamp(batch.maxTimestamp(), batch.lastOffset());
        }
        if (bytesSinceLastIndexEntry > indexIntervalBytes) {
            offsetIndex.append(batch.lastOffset(), position);
            MaxTimestamp max = maxTimestamp;
            timeIndex.maybeAppend(max.timestamp(), max.offset());
            bytesSinceLastIndexEntry = 0;
        }
        bytesSinceLastIndexEntry += batch.sizeInBytes();
    }

    /**
     * The batch holding {@code offset}, or the first batch after it, searching from the index hint;
     * null when no batch in this segment ends at or after {@code offset}.
     */
    FileRecords.LogOffsetPosition translateOffset(long offset) {
        OffsetIndex.Entry hint = offsetIndex.lookup(offset);
        return records.searchForOffsetFromPosition(offset, hint.position());
    }

    /**
     * Position just past the last whole batch that starts at or after {@code fromPosition} and ends at or
     * before {@code limitPosition}; {@code fromPosition} when not even one batch fits.
     */
    int batchBoundaryAtOrBelow(int fromPosition, int limitPosition) {
        int size = records.sizeInBytes();
        if (limitPosition >= size) {
            return size;
        }
        int start = Math.max(fromPosition, offsetIndex.floorByPosition(limitPosition).position());
        int end = start;
        for (FileChannelRecordBatch batch : records.batchesFrom(start)) {
            int batchEnd = batch.position() + batch.sizeInBytes();
            if (batchEnd > limitPosition) {
                break;
            }
            end = batchEnd;
        }
        return end;
    }

    /** The offset after the last batch of this segment (a scan from the last index entry). */
    long readNextOffset() {
        long hint = nextOffsetHint;
        if (hint >= 0) {
            return hint;
        }
        long next = baseOffset;
        for (FileChannelRecordBatch batch : records.batchesFrom(offsetIndex.lastEntry().position())) {
            next = batch.nextOffset();
        }
        nextOffsetHint = next;
        return next;
    }

    /**
     * CRC-checks the batches in {@code [from, to)} that this process has not verified yet. Verification is
     * remembered only as a prefix ({@link #verifiedBytes()}), so sequential readers check each batch once.
     *
     * @throws SegmentCorruptedException naming this file and the position of the first bad batch
     */
    void verifyRange(int from, int to) {
        int verified = verifiedBytes.get();
        int trusted = appendedFrom;
        if (to <= verified || (trusted >= 0 && from >= trusted)) {
            return;
        }
        int end = trusted >= 0 ? Math.min(to, trusted) : to;
        int start = Math.max(from, verified);
        int position = start;
        try {
            for (FileChannelRecordBatch batch : records.batchesFrom(start)) {
                position = batch.position();
                if (position >= end) {
                    break;
                }
                checkBatch(batch, -1);
                position = batch.position() + batch.sizeInBytes();
            }
        } catch (SegmentCorruptedException e) {
            throw e;
        } catch (KafkaException e) {
            throw new SegmentCorruptedException(logFile(), position, e.getMessage(), e);
        }
        if (position < end) {
            throw new SegmentCorruptedException(logFile(), position, "batch framing ends before position " + end,
                    null);
        }
        if (start == verified) {
            int mark = trusted >= 0 && position >= trusted ? Math.max(position, records.sizeInBytes()) : position;
            verifiedBytes.accumulateAndGet(mark, Math::max);
        }
    }

    private void checkBatch(FileChannelRecordBatch batch, long minBaseOffset) {
        if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
            throw new SegmentCorruptedException(logFile(), batch.position(), "magic " + batch.magic(), null);
        }
        batch.ensureValid();
        if (batch.baseOffset() < minBaseOffset || batch.lastOffset() < batch.baseOffset()
                || batch.lastOffset() - baseOffset > Integer.MAX_VALUE) {
            throw new SegmentCorruptedException(logFile(), batch.position(), "offsets " + batch.baseOffset()
                    + ".." + batch.lastOffset() + " out of order (expected from " + minBaseOffset + ")", null);
        }
    }

    /**
     * Whether the batches from the last offset index entry to the end of the file are whole and valid: a
     * cheap check (at most {@code index.interval.bytes} plus one batch) of a segment that is not recovered.
     */
    boolean tailIsValid() {
        int position = offsetIndex.lastEntry().position();
        try {
            for (FileChannelRecordBatch batch : records.batchesFrom(position)) {
                checkBatch(batch, -1);
                position = batch.position() + batch.sizeInBytes();
            }
        } catch (KafkaException e) {
            return false;
        }
        return position == records.sizeInBytes();
    }

    /** Outcome of {@link #recover}. */
    record RecoveryResult(int validBytes, int truncatedBytes, SegmentCorruptedException corruption) {}

    /**
     * Scans every batch (magic, CRC, offsets ascending from the segment base), rebuilds both indexes and the
     * timestamp state, and reports the first invalid position. When the offset expected there (the one after
     * the last valid batch) is at least {@code truncateFromOffset}, the bytes from there on are cut off;
     * otherwise nothing is changed past the valid prefix and the corruption is returned for the caller to act
     * on. {@code Long.MIN_VALUE} truncates any invalid tail, {@code Long.MAX_VALUE} none.
     */
    RecoveryResult recover(long truncateFromOffset, Consumer<RecordBatch> onBatch) throws IOException {
        indexesMissing = false;
        offsetIndex.reset();
        timeIndex.reset();
        offsetIndex.resize(maxIndexBytes);
        timeIndex.resize(maxIndexBytes);
        bytesSinceLastIndexEntry = 0;
        maxTimestamp = new MaxTimestamp(RecordBatch.NO_TIMESTAMP, baseOffset);
        firstBatchTimestamp = RecordBatch.NO_TIMESTAMP;
        int valid = 0;
        long next = baseOffset;
        SegmentCorruptedException corruption = null;
        try {
            for (FileChannelRecordBatch batch : records.batches()) {
                checkBatch(batch, next);
                indexBatch(batch, batch.position());
                onBatch.accept(batch);
                valid = batch.position() + batch.sizeInBytes();
                next = batch.nextOffset();
            }
        } catch (SegmentCorruptedException e) {
            corruption = e;
        } catch (KafkaException e) {
            corruption = new SegmentCorruptedException(logFile(), valid, e.getMessage(), e);
        }
        int size = records.sizeInBytes();
        if (corruption == null && valid < size) {
            corruption = new SegmentCorruptedException(logFile(), valid, "incomplete batch in the last "
                    + (size - valid) + " bytes", null);
        }
        boolean truncateInvalidTail = corruption != null && next >= truncateFromOffset;
        int truncated = 0;
        if (truncateInvalidTail) {
            truncated = records.truncateTo(valid);
        }
        nextOffsetHint = next;
        verifiedBytes.set(valid);
        appendedFrom = -1;
        return new RecoveryResult(valid, truncated, truncateInvalidTail ? null : corruption);
    }

    /**
     * Removes every batch holding an offset ≥ {@code offset} (the batch holding {@code offset} goes
     * entirely). Returns the base offset of the first removed batch, or -1 when nothing was removed.
     */
    long truncateTo(long offset) throws IOException {
        FileRecords.LogOffsetPosition mapping = translateOffset(offset);
        if (mapping == null) {
            return -1;
        }
        offsetIndex.truncateToOffset(offset);
        timeIndex.truncateToOffset(offset);
        records.truncateTo(mapping.position);
        verifiedBytes.accumulateAndGet(mapping.position, Math::min);
        if (appendedFrom > mapping.position) {
            appendedFrom = mapping.position;
        }
        bytesSinceLastIndexEntry = mapping.position - offsetIndex.lastEntry().position();
        recomputeTimestamps();
        nextOffsetHint = -1;
        return mapping.offset;
    }

    /**
     * Re-derives the timestamp state after the indexes were loaded or truncated: the time index's last entry
     * covers every batch up to the last offset index entry, so only batches from there on are scanned.
     */
    private void recomputeTimestamps() {
        TimeIndex.Entry lastTime = timeIndex.lastEntry();
        MaxTimestamp max = new MaxTimestamp(lastTime.timestamp(), lastTime.offset());
        for (FileChannelRecordBatch batch : records.batchesFrom(offsetIndex.lastEntry().position())) {
            if (batch.maxTimestamp() > max.timestamp()) {
                max = new MaxTimestamp(batch.maxTimestamp(), batch.lastOffset());
            }
        }
        maxTimestamp = max;
        long first = RecordBatch.NO_TIMESTAMP;
        for (FileChannelRecordBatch batch : records.batches()) {
            first = batch.maxTimestamp();
            break;
        }
        firstBatchTimestamp = first;
    }

    /**
     * Prepares the last segment to take appends (indexes back to full size, in-memory state derived). A sealed
     * segment made active again by truncation is no longer sealed: the active segment's flushes cover it.
     */
    synchronized void makeActive() {
        rollFlushPending = false;
        offsetIndex.resize(maxIndexBytes);
        timeIndex.resize(maxIndexBytes);
        recomputeTimestamps();
        bytesSinceLastIndexEntry = records.sizeInBytes() - offsetIndex.lastEntry().position();
    }

    /** Rolled away from: final time index entry, indexes trimmed to size, everything fsynced. */
    void onBecomeInactive() throws IOException {
        seal(createdMs); // completed at once: the seal time is never looked at
        completeRollFlush();
    }

    /**
     * Owner thread, at roll, after the successor's files exist: writes the final time index entry and marks
     * the segment sealed at {@code nowMs} (wall clock). Its fsync and index trimming follow in
     * {@link #completeRollFlush}, off the appending thread, when the log decides ({@link SegmentedLog}: at once
     * under {@code flush.policy=sync}, once {@link #sealedAtMs} is old enough under {@code interval}).
     */
    synchronized void seal(long nowMs) {
        MaxTimestamp max = maxTimestamp;
        if (!timeIndex.isFull()) {
            timeIndex.maybeAppend(max.timestamp(), max.offset());
        }
        sealedAtMs = nowMs;
        rollFlushPending = true;
    }

    /** Whether the segment was sealed and its {@link #completeRollFlush} has not finished yet. */
    synchronized boolean isRollFlushPending() {
        return rollFlushPending;
    }

    /** Wall-clock milliseconds at which the segment was last sealed; meaningful while a roll flush is pending. */
    long sealedAtMs() {
        return sealedAtMs;
    }

    /**
     * Any thread: fsyncs a sealed segment's .log, trims both indexes to their entries and fsyncs them, then
     * fsyncs the directory (which makes the successor's creation durable). Returns false, doing nothing, when no
     * flush was pending. A caller that finds another thread's flush in progress waits for it, so on return the
     * segment is durable either way.
     */
    synchronized boolean completeRollFlush() throws IOException {
        if (!rollFlushPending) {
            return false;
        }
        records.flush();
        offsetIndex.trimToValidSize();
        timeIndex.trimToValidSize();
        AtomicFiles.fsyncDirectory(logFile().getParent());
        rollFlushPending = false;
        return true;
    }

    /** Forces the .log file (not the indexes: they are rebuilt on unclean recovery). */
    void flushLog() throws IOException {
        records.channel().force(false);
    }

    void flushAll() throws IOException {
        records.channel().force(false);
        offsetIndex.flush();
        timeIndex.flush();
    }

    boolean tryRetain() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops one reference; the last one closes the files. */
    void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            closeFiles();
        } else if (r < 0) {
            throw new IllegalStateException("Segment " + logFile() + " released more often than retained");
        }
    }

    int refCount() {
        return refs.get();
    }

    private void closeFiles() {
        try {
            records.close();
        } catch (IOException e) {
            LOG.warn("Closing {} failed", logFile(), e);
        }
        try {
            offsetIndex.close();
            timeIndex.close();
        } catch (IOException e) {
            LOG.warn("Closing indexes of {} failed", logFile(), e);
        }
    }

    /**
     * Renames the three files to their live names plus {@code toSuffix}; open handles survive. The
     * indexes go first and the .log last, so the .log's name is the commit point of a swap.
     */
    void renameWithSuffix(String toSuffix) throws IOException {
        Path dir = logFile().getParent();
        offsetIndex.renameTo(file(dir, baseOffset, INDEX_SUFFIX, toSuffix));
        timeIndex.renameTo(file(dir, baseOffset, TIME_INDEX_SUFFIX, toSuffix));
        records.renameTo(file(dir, baseOffset, LOG_SUFFIX, toSuffix).toFile());
    }

    /** Unlinks the three files (whatever their current names). Open handles stay readable. */
    void deleteFiles() throws IOException {
        Files.deleteIfExists(logFile());
        offsetIndex.deleteIfExists();
        timeIndex.deleteIfExists();
    }

    @Override
    public String toString() {
        return "LogSegment(" + logFile() + ", size=" + sizeInBytes() + ")";
    }
}
