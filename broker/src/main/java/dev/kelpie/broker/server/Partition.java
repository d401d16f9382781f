package dev.kelpie.broker.server;

import dev.kelpie.broker.log.LogAppendInfo;
import dev.kelpie.broker.log.SegmentedLog;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A partition this broker leads: its log, leader epoch and high watermark.
 *
 * <p><b>High watermark.</b> On one node the high watermark is the durable end of the log: an append advances
 * it only once {@link SegmentedLog#awaitDurable} completes for it. Under {@code flush.policy=sync} (the
 * default) that is after the fsync that covers it, so a consumer never reads a record that a power loss could
 * take back, even one produced with acks=0 or 1 (those are answered without waiting, yet become visible only
 * once durable; the group commit keeps that wait to one fsync). Under {@code flush.policy=interval}
 * (Kafka's own) durability completes at once and the high watermark is the log end, as on a Kafka leader
 * whose followers are all caught up. After a restart the recovered log is fsynced once and the high
 * watermark starts at its end. The high watermark never falls below the log start offset.
 *
 * <p>Thread-safety: one owner thread (its executor in {@link PartitionManager}) appends. The high watermark
 * advances on the thread that makes an append durable (a group-commit flusher under {@code sync}, the owner
 * itself under {@code interval}), under {@code highWatermarkLock}, and only ever upwards: handing each advance
 * back to the owner thread cost a thread wake-up per append for no gain, since the advance is a monotonic
 * maximum. Reads, {@link #highWatermark()} and {@link #leaderEpoch()} are safe from any thread (volatile
 * fields, the log's lock-free reads).
 */
public final class Partition {
    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final SegmentedLog log;
    private final Consumer<TopicPartition> onHighWatermark;
    private volatile int leaderEpoch;
    private volatile long highWatermark;
    private volatile long committedBytes;
    /** Guards the high-watermark advance, which runs on whichever thread completes durability. */
    private final Object highWatermarkLock = new Object();

    Partition(TopicPartition topicPartition, Uuid topicId, SegmentedLog log, int leaderEpoch,
            Consumer<TopicPartition> onHighWatermark) {
        this.topicPartition = Objects.requireNonNull(topicPartition);
        this.topicId = Objects.requireNonNull(topicId);
        this.log = Objects.requireNonNull(log);
        this.onHighWatermark = onHighWatermark;
        this.leaderEpoch = leaderEpoch;
    }

    /** Owner thread: makes the recovered log durable and starts the high watermark at its end. */
    void load() {
        if (log.isOnline()) {
            log.flush();
        }
        highWatermark = log.logEndOffset();
        log.updateHighWatermark(highWatermark);
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public SegmentedLog log() {
        return log;
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    /** Owner thread. */
    void setLeaderEpoch(int epoch) {
        leaderEpoch = epoch;
    }

    /** Consumers read below this offset. */
    public long highWatermark() {
        return Math.max(highWatermark, log.logStartOffset());
    }

    /** Bytes appended and committed since this broker loaded the partition: a monotonic counter. */
    public long committedBytes() {
        return committedBytes;
    }

    /**
     * Checks a client's view of the leader epoch (-1 = no check): older is FENCED_LEADER_EPOCH, newer
     * UNKNOWN_LEADER_EPOCH.
     */
    public void checkLeaderEpoch(int currentLeaderEpoch) {
        int epoch = leaderEpoch;
        if (currentLeaderEpoch == -1 || currentLeaderEpoch == epoch) {
            return;
        }
        if (currentLeaderEpoch < epoch) {
            throw new FencedLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of " + topicPartition
                    + " is older than the current " + epoch);
        }
        throw new UnknownLeaderEpochException("Leader epoch " + currentLeaderEpoch + " of " + topicPartition
                + " is newer than the current " + epoch);
    }

    /**
     * Owner thread: appends a producer batch (Produce, or the group coordinator's records). The returned append's
     * {@code committed} future completes once the high watermark covers it, on the thread that made it durable.
     */
    public Appended appendAsLeader(MemoryRecords records) {
        LogAppendInfo info = log.appendAsLeader(records, leaderEpoch);
        long end = info.lastOffset() + 1;
        int bytes = info.duplicate() ? 0 : records.sizeInBytes();
        CompletableFuture<Void> committed = log.awaitDurable(end).thenRun(() -> advanceHighWatermark(end, bytes));
        return new Appended(info, committed);
    }

    private void advanceHighWatermark(long offset, int bytes) {
        boolean advanced;
        synchronized (highWatermarkLock) {
            committedBytes += bytes;
            advanced = offset > highWatermark;
            if (advanced) {
                highWatermark = offset;
                log.updateHighWatermark(offset);
            }
        }
        if (advanced) {
            onHighWatermark.accept(topicPartition);
        }
    }

    /** An append's result and when it is committed (below the high watermark). */
    public record Appended(LogAppendInfo info, CompletableFuture<Void> committed) {}

    @Override
    public String toString() {
        return "Partition(" + topicPartition + ", " + topicId + ", epoch=" + leaderEpoch + ", hw=" + highWatermark
                + ")";
    }
}
