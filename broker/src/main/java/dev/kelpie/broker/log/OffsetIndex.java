package dev.kelpie.broker.log;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The sparse offset index of one segment: {@code <20-digit base offset>.index}, Kafka's format.
 *
 * <p>Byte layout: a sequence of 8-byte entries, no header, big-endian:
 * <pre>
 *   int32 relativeOffset   last offset of the indexed batch minus the segment's base offset
 *   int32 position         byte position of that batch in the segment's .log file
 * </pre>
 * Entries are strictly increasing in both fields. One entry is added for the first batch written after at
 * least {@code index.interval.bytes} bytes were appended since the previous entry (so never for the batch
 * at position 0). Kafka's {@code DumpLogSegments} checks that the batch at {@code position} has last offset
 * {@code baseOffset + relativeOffset}, which holds here.
 *
 * <p>Lookup: the entry with the largest offset ≤ the target gives a position from which a forward scan of
 * batch headers finds the batch holding the target.
 *
 * <p>Thread-safety: see {@link MappedIndex}.
 */
final class OffsetIndex extends MappedIndex {
    static final int ENTRY_BYTES = 8;

    /** An index answer: an absolute offset and the position of a batch at or before it. */
    record Entry(long offset, int position) {}

    OffsetIndex(Path file, long baseOffset, int maxIndexBytes) throws IOException {
        super(file, baseOffset, ENTRY_BYTES, maxIndexBytes);
    }

    @Override
    protected boolean isValidNext(MappedByteBuffer buf, int n) {
        int rel = buf.getInt(n * ENTRY_BYTES);
        int pos = buf.getInt(n * ENTRY_BYTES + 4);
        if (n == 0) {
            return pos > 0 && rel >= 0;
        }
        return rel > buf.getInt((n - 1) * ENTRY_BYTES) && pos > buf.getInt((n - 1) * ENTRY_BYTES + 4);
    }

    @Override
    protected int relativeOffsetAt(MappedByteBuffer buf, int slot) {
        return buf.getInt(slot * ENTRY_BYTES);
    }

    /** Appends an entry for a batch ending at {@code lastOffset} and starting at {@code position}. */
    void append(long lastOffset, int position) {
        int n = entries();
        if (isFull()) {
            throw new IllegalStateException("Offset index " + file() + " is full at " + n + " entries");
        }
        int rel = relative(lastOffset);
        MappedByteBuffer buf = buffer();
        if (n > 0 && (rel <= buf.getInt((n - 1) * ENTRY_BYTES) || position <= buf.getInt((n - 1) * ENTRY_BYTES + 4))) {
            throw new IllegalStateException("Offset index entry (" + lastOffset + ", " + position
                    + ") does not follow the last entry in " + file());
        }
        buf.putInt(n * ENTRY_BYTES, rel);
        buf.putInt(n * ENTRY_BYTES + 4, position);
        publishAppended();
    }

    private int relative(long offset) {
        long rel = offset - baseOffset;
        if (rel < 0 || rel > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Offset " + offset + " out of range for segment " + baseOffset);
        }
        return (int) rel;
    }

    /** The entry with the largest offset ≤ {@code targetOffset}, or (baseOffset, 0). */
    Entry lookup(long targetOffset) {
        MappedByteBuffer buf = buffer();
        int n = entries();
        int slot = floorSlot(n, targetOffset - baseOffset, s -> buf.getInt(s * ENTRY_BYTES));
        return slot < 0 ? new Entry(baseOffset, 0) : entryAt(buf, slot);
    }

    /** The entry with the largest position ≤ {@code position}, or (baseOffset, 0). */
    Entry floorByPosition(int position) {
        MappedByteBuffer buf = buffer();
        int n = entries();
        int slot = floorSlot(n, position, s -> buf.getInt(s * ENTRY_BYTES + 4));
        return slot < 0 ? new Entry(baseOffset, 0) : entryAt(buf, slot);
    }

    Entry entry(int slot) {
        if (slot < 0 || slot >= entries()) {
            throw new IllegalArgumentException("slot " + slot + " of " + entries());
        }
        return entryAt(buffer(), slot);
    }

    private Entry entryAt(MappedByteBuffer buf, int slot) {
        return new Entry(baseOffset + buf.getInt(slot * ENTRY_BYTES), buf.getInt(slot * ENTRY_BYTES + 4));
    }

    /** The last entry, or (baseOffset, 0) when empty. */
    Entry lastEntry() {
        int n = entries();
        return n == 0 ? new Entry(baseOffset, 0) : entryAt(buffer(), n - 1);
    }

    /** Whether every entry lies inside a log of {@code logBytes} bytes and below {@code offsetLimit}. */
    boolean isConsistentWith(int logBytes, long offsetLimit) {
        if (entries() == 0) {
            return true;
        }
        Entry last = lastEntry();
        return last.position() < logBytes && last.offset() < offsetLimit;
    }
}
