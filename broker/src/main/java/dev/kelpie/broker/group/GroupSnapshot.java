package dev.kelpie.broker.group;

import java.util.List;

/**
 * A read-only view of one group for metrics: its type, state and member count, and per committed partition the
 * committed offset, the partition's log end (high watermark, what consumers can read) and the lag between them.
 *
 * @param type {@code classic} or {@code consumer}
 * @param state Kafka's state name ({@code Stable}, {@code Empty}, ...)
 *
 * <p>Immutable; safe to hand to any thread.
 */
public record GroupSnapshot(String groupId, String type, String state, int members, List<PartitionOffset> offsets) {

    public GroupSnapshot {
        offsets = List.copyOf(offsets);
    }

    /**
     * @param logEndOffset the partition's high watermark, -1 when this broker does not lead it
     * @param lag {@code logEndOffset - committedOffset} (never negative), -1 when the log end is unknown
     */
    public record PartitionOffset(String topic, int partition, long committedOffset, long logEndOffset, long lag) {}
}
