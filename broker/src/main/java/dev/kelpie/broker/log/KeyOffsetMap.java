package dev.kelpie.broker.log;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Key → latest offset over the dirty part of a log, the cleaner's dedupe map. Keys are copied; memory is
 * accounted approximately (key bytes plus a fixed per-entry overhead) against {@code maxBytes} so the cleaner
 * can stop at a segment boundary when the map is full (Kafka's {@code log.cleaner.dedupe.buffer.size}).
 *
 * <p>Thread-safety: confined to the cleaner thread.
 */
final class KeyOffsetMap {
    private static final int ENTRY_OVERHEAD_BYTES = 96;

    private final long maxBytes;
    private final Map<ByteBuffer, Long> offsets = new HashMap<>();
    private long usedBytes;

    KeyOffsetMap(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    void put(ByteBuffer key, long offset) {
        ByteBuffer copy = ByteBuffer.allocate(key.remaining());
        copy.put(key.duplicate()).flip();
        Long prev = offsets.put(copy, offset);
        if (prev == null) {
            usedBytes += copy.capacity() + ENTRY_OVERHEAD_BYTES;
        }
    }

    /** The latest offset of {@code key}, or -1. */
    long get(ByteBuffer key) {
        Long v = offsets.get(key);
        return v == null ? -1 : v;
    }

    boolean isFull() {
        return usedBytes >= maxBytes;
    }

    int size() {
        return offsets.size();
    }

    void clear() {
        offsets.clear();
        usedBytes = 0;
    }
}
