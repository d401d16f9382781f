package dev.kelpie.broker.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A memory-mapped file of fixed-size entries sorted by offset, the common part of {@link OffsetIndex} and
 * {@link TimeIndex}. The file is a plain array of big-endian entries with no header, exactly as Kafka lays
 * out {@code .index} and {@code .timeindex}.
 *
 * <p>An index of the active segment is preallocated to {@code segment.index.bytes} (rounded down to whole
 * entries) and the unused tail is zero; it is trimmed to its entries when the segment is rolled or closed.
 * On open, the entry count is the longest prefix of entries that the subclass accepts as valid
 * ({@link #isValidNext}): zero-filled preallocation left by a crash ends the prefix.
 *
 * <p>Thread-safety: one writer (the owner thread of the partition log) calls the mutating methods. Readers on
 * any thread may call the lookups concurrently: entries are written before the volatile entry count is
 * raised, the mapping is replaced before entries beyond the old mapping are published, and lookups only
 * touch entries below the count they read. Shrinking (truncation) races with concurrent lookups only over
 * offsets being truncated away, which callers never read (they read below the high watermark).
 */
abstract class MappedIndex implements AutoCloseable {
    protected final long baseOffset;
    private final int entrySize;
    private volatile Path file;
    private FileChannel channel;
    private volatile MappedByteBuffer mmap;
    private volatile int entries;
    private int maxEntries;
    private final boolean wholeEntriesOnOpen;

    protected MappedIndex(Path file, long baseOffset, int entrySize, int maxIndexBytes) throws IOException {
        this.file = file;
        this.baseOffset = baseOffset;
        this.entrySize = entrySize;
        boolean existed = Files.exists(file);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        long length = channel.size();
        if (!existed) {
            length = roundDown(maxIndexBytes);
            setLength(length);
        }
        this.wholeEntriesOnOpen = length % entrySize == 0;
        map(length);
        // a file created here is all zeros: no entry to look for
        this.entries = existed ? validPrefix((int) (length / entrySize)) : 0;
    }

    /** Whether the file held a whole number of entries when opened (a partial entry means damage). */
    public final boolean hasWholeEntries() {
        return wholeEntriesOnOpen;
    }

    private long roundDown(int bytes) {
        return Math.max(entrySize, bytes / entrySize * entrySize);
    }

    private void setLength(long length) throws IOException {
        if (channel.size() > length) {
            channel.truncate(length);
        } else if (channel.size() < length) {
            // extend with a zero byte at the end; the file system fills the hole with zeros
            channel.write(java.nio.ByteBuffer.allocate(1), length - 1);
        }
    }

    private void map(long length) throws IOException {
        this.maxEntries = (int) (length / entrySize);
        this.mmap = channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
    }

    private int validPrefix(int slots) {
        int n = 0;
        while (n < slots && isValidNext(mmap, n)) {
            n++;
        }
        return n;
    }

    /** Whether slot {@code n} continues a valid index, given slots {@code 0..n-1} are valid. */
    protected abstract boolean isValidNext(MappedByteBuffer buf, int n);

    protected final MappedByteBuffer buffer() {
        return mmap;
    }

    protected final int slotPosition(int slot) {
        return slot * entrySize;
    }

    public final int entries() {
        return entries;
    }

    public final boolean isFull() {
        return entries >= maxEntries;
    }

    public final int maxEntries() {
        return maxEntries;
    }

    public final Path file() {
        return file;
    }

    public final long baseOffset() {
        return baseOffset;
    }

    /** The relative offset stored in a slot; subclasses know where it sits inside the entry. */
    protected abstract int relativeOffsetAt(MappedByteBuffer buf, int slot);

    /** Called by the subclass after writing slot {@code entries()}; publishes it to readers. */
    protected final void publishAppended() {
        entries = entries + 1;
    }

    /** Largest slot in {@code [0, n)} whose key is ≤ target under {@code keyAt}, or -1. */
    protected static int floorSlot(int n, long target, java.util.function.IntToLongFunction keyAt) {
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (keyAt.applyAsLong(mid) <= target) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Removes entries whose offset is ≥ {@code offset}. */
    public final void truncateToOffset(long offset) {
        MappedByteBuffer buf = mmap;
        int n = entries;
        int keep = floorSlot(n, offset - 1 - baseOffset, slot -> relativeOffsetAt(buf, slot)) + 1;
        if (offset <= baseOffset) {
            keep = 0;
        }
        entries = keep;
        // zero the dropped entries so a later crash cannot resurrect them as a valid-looking prefix
        for (int i = keep * entrySize; i < n * entrySize; i++) {
            buf.put(i, (byte) 0);
        }
    }

    /** Drops every entry. */
    public final void reset() {
        entries = 0;
    }

    /** Grows or shrinks the file to {@code maxIndexBytes} (rounded to whole entries, never below the entries). */
    public final void resize(int maxIndexBytes) {
        long length = Math.max(roundDown(maxIndexBytes), (long) entries * entrySize);
        try {
            if (length != (long) maxEntries * entrySize) {
                mmap.force();
                setLength(length);
                map(length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resize index " + file, e);
        }
    }

    /** Shrinks the file to exactly its entries, as Kafka stores the indexes of closed segments. */
    public final void trimToValidSize() {
        try {
            long length = (long) entries * entrySize;
            mmap.force();
            channel.truncate(length);
            maxEntries = entries;
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot trim index " + file, e);
        }
    }

    public final void flush() {
        mmap.force();
    }

    /** Renames the file (the open mapping stays valid). */
    public final void renameTo(Path target) throws IOException {
        Files.move(file, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        file = target;
    }

    @Override
    public final void close() throws IOException {
        channel.close();
    }

    public final void deleteIfExists() throws IOException {
        Files.deleteIfExists(file);
    }
}
