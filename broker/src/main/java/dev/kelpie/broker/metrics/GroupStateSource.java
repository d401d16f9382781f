package dev.kelpie.broker.metrics;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The consumer groups this broker coordinates, for lag and state metrics. The group coordinator implements
 * it (its shards answer on their own threads, hence the stage) and the broker binds it with
 * {@link BrokerMetrics#bindGroups}; until then no group series exist.
 *
 * <p>Called on the HTTP thread once per scrape, which waits a bounded time for the stage; a late or failed
 * answer keeps the previous values.
 */
@FunctionalInterface
public interface GroupStateSource {

    /** Every group of this coordinator with its committed partitions. */
    CompletionStage<List<Group>> groups();

    /**
     * @param groupId the group id (a label value: group ids are chosen by applications, one per group)
     * @param type {@code classic} or {@code consumer}
     * @param state Kafka's state name ({@code Stable}, {@code Empty}, {@code PreparingRebalance}, ...)
     * @param members current member count
     * @param offsets one entry per partition with a committed offset
     */
    record Group(String groupId, String type, String state, int members, List<PartitionOffset> offsets) {
        public Group {
            offsets = List.copyOf(offsets);
        }
    }

    /**
     * @param logEndOffset the partition's high watermark, -1 when unknown to this broker
     * @param lag {@code logEndOffset - committedOffset}, never negative; -1 when the log end is unknown
     */
    record PartitionOffset(String topic, int partition, long committedOffset, long logEndOffset, long lag) {
    }
}
