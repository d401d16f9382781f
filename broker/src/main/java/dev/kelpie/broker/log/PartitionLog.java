package dev.kelpie.broker.log;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * One partition's log on disk: the contract between the log engine and everything above it
 * (produce, fetch, replication, the group coordinator).
 *
 * <p>Offsets: {@code logStartOffset <= (read offsets) < logEndOffset}. Reads never pass the
 * caller-given {@code maxOffsetExclusive} (the high watermark).
 *
 * <p>Thread-safety: mutating methods ({@code append*}, {@code truncate*}, {@code deleteRecordsBefore},
 * {@code enforceRetention}, {@code updateConfig}, {@code close}, {@code delete}) are called by the one
 * thread that owns the partition. {@code read}, {@code offsetForTimestamp} and the offset getters are
 * safe from any thread. Returned {@link FileSlice}s pin their segment until released.
 *
 * <p>Errors: invalid input throws a Kafka {@code ApiException} subtype (CorruptRecordException,
 * InvalidRecordException, RecordTooLargeException, OffsetOutOfRangeException,
 * OutOfOrderSequenceException, InvalidProducerEpochException, KafkaStorageException when the log is
 * offline). Nothing else escapes.
 */
public interface PartitionLog extends AutoCloseable {

    TopicPartition topicPartition();

    LogConfig config();

    /** Applies new topic configs (retention, segment size, flush policy ...) from the next operation on. */
    void updateConfig(LogConfig config);

    long logStartOffset();

    /** The offset the next appended record gets. */
    long logEndOffset();

    /** All offsets below this are durable under the flush policy (the recovery point). */
    long durableOffset();

    /**
     * Validates one producer batch (CRC, magic 2, offsets, size, timestamps, idempotent sequence),
     * assigns offsets in place, stamps the leader epoch and, for LogAppendTime topics, the time, and
     * writes it. A retried idempotent batch is not written again: the result carries its original
     * offsets and {@code duplicate = true}.
     */
    LogAppendInfo appendAsLeader(MemoryRecords records, int leaderEpoch);

    /** Appends batches that already carry offsets (replication). Offsets must continue the log. */
    LogAppendInfo appendAsFollower(MemoryRecords records);

    /**
     * Completes when every offset below {@code offsetExclusive} is durable under the flush policy.
     * Under the default group-commit policy one fsync completes every waiting future; under the interval
     * policy it completes at once.
     */
    CompletableFuture<Void> awaitDurable(long offsetExclusive);

    /**
     * Reads from the batch that holds {@code startOffset}, up to {@code maxBytes}, stopping before
     * {@code maxOffsetExclusive}. With {@code minOneBatch} at least one whole batch is returned even
     * when it is larger than {@code maxBytes}.
     *
     * @throws org.apache.kafka.common.errors.OffsetOutOfRangeException outside [logStartOffset, logEndOffset]
     */
    LogReadInfo read(long startOffset, int maxBytes, long maxOffsetExclusive, boolean minOneBatch);

    /**
     * ListOffsets: {@code timestamp} is a time, or {@link #EARLIEST_TIMESTAMP}, {@link #LATEST_TIMESTAMP},
     * {@link #MAX_TIMESTAMP}. Empty when no record is at or after the time.
     */
    Optional<TimestampAndOffset> offsetForTimestamp(long timestamp);

    /** Removes every record at or above {@code offset}. No-op when offset ≥ log end. */
    void truncateTo(long offset);

    /** Empties the log and restarts it at {@code offset} (a follower far behind the leader's start). */
    void truncateFullyAndStartAt(long offset);

    /** The leader-epoch cache: epoch → first offset, persisted in {@code leader-epoch-checkpoint}. */
    LeaderEpochCache leaderEpochs();

    /**
     * DeleteRecords: moves the log start to {@code offset} (≤ the given high watermark) and deletes
     * segments wholly below it. Returns the new log start offset.
     */
    long deleteRecordsBefore(long offset);

    /** Applies retention.ms, retention.bytes and segment.ms rolls. Returns the number of segments deleted. */
    int enforceRetention();

    /** Forces everything written so far to disk and checkpoints the recovery point. */
    void flush();

    /** False after an I/O error or detected corruption took this log offline. */
    boolean isOnline();

    /** Flushes, checkpoints and closes files. */
    @Override
    void close();

    /** Closes and removes the partition directory (topic deletion). */
    void delete();

    long EARLIEST_TIMESTAMP = -2L;
    long LATEST_TIMESTAMP = -1L;
    long MAX_TIMESTAMP = -3L;

    /** A ListOffsets answer. {@code leaderEpoch} is -1 when unknown. */
    record TimestampAndOffset(long timestamp, long offset, int leaderEpoch) {}
}
