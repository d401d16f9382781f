package dev.kelpie.broker.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The sparse time index of one segment: {@code <20-digit base offset>.timeindex}, Kafka's format.
 *
 * <p>Byte layout: a sequence of 12-byte entries, no header, big-endian:
 * <pre>
 *   int64 timestamp        the largest record timestamp in the segment up to and including the batch below
 *   int32 relativeOffset   last offset of the first batch that reached that timestamp, minus the base offset
 * </pre>
 * Timestamps are strictly increasing, offsets non-decreasing. An entry is considered whenever an offset
 * index entry is written and once more when the segment is rolled, and appended only when the segment's
 * largest timestamp grew. Because the offset is that of the first batch reaching the timestamp, every record
 * before that batch has a smaller timestamp: a forward scan for "first timestamp ≥ t" may start at the batch
 * of the entry with the largest timestamp ≤ t.
 *
 * <p>Thread-safety: see {@link MappedIndex}.
 */
final class TimeIndex extends MappedIndex {
    static final int ENTRY_BYTES = 12;

    /** A time index entry with an absolute offset. */
    record Entry(long timestamp, long offset) {}

    TimeIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        super(file, baseOffset, ENTRY_BYTES, maxIndexBytes);
    }

    @Override
    protected boolean isValidNext(MappedByteBuffer buf, int n) {
        long ts = buf.getLong(n * ENTRY_BYTES);
        int rel = buf.getInt(n * ENTRY_BYTES + 8);
        if (n == 0) {
            // an all-zero first slot is unwritten preallocation
            return rel >= 0 && ts >= 0 && !(ts == 0 && rel == 0);
        }
        return ts > buf.getLong((n - 1) * ENTRY_BYTES) && rel >= buf.getInt((n - 1) * ENTRY_BYTES + 8);
    }

    @Override
    protected int relativeOffsetAt(MappedByteBuffer buf, int slot) {
        return buf.getInt(slot * ENTRY_BYTES + 8);
    }

    /** Appends (timestamp, offset) when the timestamp is above the last entry's. */
    void maybeAppend(long timestamp, long offset) {
        int n = entries();
        MappedByteBuffer buf = buffer();
        if (timestamp < 0 || (n > 0 && timestamp <= buf.getLong((n - 1) * ENTRY_BYTES))) {
            return;
        }
        if (isFull()) {
            throw new IllegalStateException("Time index " + file() + " is full at " + n + " entries");
        }
        long rel = offset - baseOffset;
        if (rel < 0 || rel > Integer.MAX_VALUE || (n > 0 && rel < buf.getInt((n - 1) * ENTRY_BYTES + 8))) {
            throw new IllegalStateException("Time index entry (" + timestamp + ", " + offset
                    + ") does not follow the last entry in " + file());
        }
        buf.putLong(n * ENTRY_BYTES, timestamp);
        buf.putInt(n * ENTRY_BYTES + 8, (int) rel);
        publishAppended();
    }

    /** The entry with the largest timestamp ≤ {@code timestamp}, or (-1, baseOffset). */
    Entry lookup(long timestamp) {
        MappedByteBuffer buf = buffer();
        int n = entries();
        int slot = floorSlot(n, timestamp, s -> buf.getLong(s * ENTRY_BYTES));
        return slot < 0 ? new Entry(-1, baseOffset) : entryAt(buf, slot);
    }

    /** The last entry, or (-1, baseOffset) when empty. */
    Entry lastEntry() {
        int n = entries();
        return n == 0 ? new Entry(-1, baseOffset) : entryAt(buffer(), n - 1);
    }

    Entry entry(int slot) {
        if (slot < 0 || slot >= entries()) {
            throw new IllegalArgumentException("slot " + slot + " of " + entries());
        }
        return entryAt(buffer(), slot);
    }

    private Entry entryAt(MappedByteBuffer buf, int slot) {
        return new Entry(buf.getLong(slot * ENTRY_BYTES), baseOffset + buf.getInt(slot * ENTRY_BYTES + 8));
    }

    /** Whether every entry's offset lies below {@code offsetLimit}. */
    boolean isConsistentWith(long offsetLimit) {
        return entries() == 0 || lastEntry().offset() < offsetLimit;
    }
}
