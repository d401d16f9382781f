package dev.kelpie.broker.log;

import java.util.Optional;

/**
 * Leader epoch → start offset of that epoch, persisted as Kafka's {@code leader-epoch-checkpoint}
 * text file (version line {@code 0}, entry count, then {@code "epoch startOffset"} per line).
 *
 * <p>Thread-safety: written by the partition's owner thread; readers see a consistent snapshot.
 */
public interface LeaderEpochCache {

    /** Records that {@code epoch} starts at {@code startOffset}; ignores an epoch not above the latest. */
    void assign(int epoch, long startOffset);

    /** The latest epoch, if any. */
    Optional<Integer> latestEpoch();

    /**
     * OffsetForLeaderEpoch: the end offset of {@code epoch} (the start of the next higher epoch, or the log
     * end for the latest epoch) and the largest epoch ≤ the requested one. Empty when epoch is below all.
     */
    Optional<EpochEndOffset> endOffsetFor(int epoch, long logEndOffset);

    /** Drops entries with start offset ≥ offset (log truncation). */
    void truncateFromEnd(long offset);

    /** Drops entries wholly before offset; the surviving first entry is moved up to offset. */
    void truncateFromStart(long offset);

    record EpochEndOffset(int epoch, long endOffset) {}
}
