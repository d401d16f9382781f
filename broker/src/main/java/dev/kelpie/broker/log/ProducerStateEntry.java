package dev.kelpie.broker.log;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The state of one producer id in one partition: its epoch, the time it was last seen, and the sequence
 * ranges and offsets of its newest {@value #BATCHES_RETAINED} batches, oldest first.
 *
 * <p>The last sequence is the last batch's; with no batch retained (a fresh epoch seen only through a
 * control batch) it is {@link RecordBatch#NO_SEQUENCE}, so the next batch must start at 0.
 *
 * <p>Thread-safety: not thread-safe; confined to the owning {@link ProducerStateManager}.
 */
final class ProducerStateEntry {

    /** Matches the client's {@code max.in.flight.requests.per.connection} limit for idempotence. */
    static final int BATCHES_RETAINED = 5;

    /** One appended batch: its sequence range, offsets, and the append time answered to a retry. */
    record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long appendTimeMs) {}

    private final long producerId;
    private short epoch;
    private long lastActivityMs;
    private final Deque<BatchMetadata> batches = new ArrayDeque<>(BATCHES_RETAINED);

    ProducerStateEntry(long producerId, short epoch, long lastActivityMs) {
        this.producerId = producerId;
        this.epoch = epoch;
        this.lastActivityMs = lastActivityMs;
    }

    long producerId() {
        return producerId;
    }

    short epoch() {
        return epoch;
    }

    long lastActivityMs() {
        return lastActivityMs;
    }

    /** Oldest first; unmodifiable view. */
    List<BatchMetadata> batches() {
        return List.copyOf(batches);
    }

    int lastSeq() {
        return batches.isEmpty() ? RecordBatch.NO_SEQUENCE : batches.peekLast().lastSeq();
    }

    /** Offset of the newest retained batch's last record, or -1 when none is retained. */
    long lastOffset() {
        return batches.isEmpty() ? -1L : batches.peekLast().lastOffset();
    }

    /** Moves to {@code newEpoch}; a different epoch forgets the old epoch's batches (sequences restart). */
    void setEpoch(short newEpoch) {
        if (newEpoch != epoch) {
            epoch = newEpoch;
            batches.clear();
        }
    }

    void touch(long activityMs) {
        lastActivityMs = Math.max(lastActivityMs, activityMs);
    }

    void addBatch(BatchMetadata batch) {
        if (batches.size() == BATCHES_RETAINED) {
            batches.removeFirst();
        }
        batches.addLast(batch);
    }

    /** The retained batch of the current epoch with exactly this sequence range, if any. */
    Optional<BatchMetadata> findBatch(short batchEpoch, int firstSeq, int lastSeq) {
        if (batchEpoch != epoch) {
            return Optional.empty();
        }
        for (BatchMetadata b : batches) {
            if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }
}
