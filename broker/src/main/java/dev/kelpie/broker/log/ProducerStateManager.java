package dev.kelpie.broker.log;

import dev.kelpie.broker.common.Clock;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Idempotent-producer state of one partition: per producer id the epoch, the last sequence and the
 * last five batches' sequence ranges with their offsets (the client keeps at most five in flight).
 *
 * <p>Rules (Kafka's {@code ProducerAppendInfo.checkSequence}): a lower epoch is fenced
 * (INVALID_PRODUCER_EPOCH); a new epoch starts at sequence 0; within an epoch the next batch starts at
 * last sequence + 1 (wrapping at Integer.MAX_VALUE); a batch whose range equals one of the five retained
 * is a retry and answers with its original offsets; anything else is OUT_OF_ORDER_SEQUENCE_NUMBER. A
 * producer with no state left accepts any sequence.
 *
 * <p>Durability: {@link #takeSnapshot} writes {@code <20-digit offset>.snapshot} atomically; on open the
 * log loads the newest snapshot at or below its end and replays batch headers from there through
 * {@link #update}.
 *
 * <p>Thread-safety: owned by the partition's thread; not thread-safe.
 */
public final class ProducerStateManager {

    /** Offsets and time a retried batch was first appended with. */
    public record DuplicateBatch(long firstOffset, long lastOffset, long appendTimeMs) {}

    public ProducerStateManager(Path partitionDir, long producerIdExpirationMs, Clock clock) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Checks a producer batch before a leader append. Returns the original offsets when it is a retry of a
     * retained batch.
     *
     * @throws org.apache.kafka.common.errors.OutOfOrderSequenceException on a sequence gap
     * @throws org.apache.kafka.common.errors.InvalidProducerEpochException on a stale epoch
     */
    public Optional<DuplicateBatch> validate(RecordBatch batch) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Records a batch that is now in the log, offsets assigned (leader, follower, and recovery replay). */
    public void update(RecordBatch batch, long appendTimeMs) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Forgets everything; the log then reloads a snapshot and replays (after truncation). */
    public void clear() {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Writes the current state as of {@code logEndOffset}; keeps only the newest few snapshot files. */
    public void takeSnapshot(long logEndOffset) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * Loads the newest snapshot whose offset is ≤ {@code maxOffset}, deleting newer ones. Returns its offset,
     * or -1 when none exists (replay from the log start).
     */
    public long loadSnapshot(long maxOffset) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Drops producers idle longer than {@code producer.id.expiration.ms}. */
    public void removeExpired() {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
