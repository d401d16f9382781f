package dev.kelpie.broker.server;

import java.util.List;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * A resolved Fetch request: what to read from which partition, in the client's topic order.
 *
 * @param topics the topics as the client listed them, with their partitions
 * @param maxBytes the response's byte budget ({@code max.bytes}); the first batch is sent even if larger
 * @param minBytes bytes to wait for ({@code min.bytes})
 * @param maxWaitMs how long to wait for them ({@code max.wait.ms})
 * @param isolation READ_COMMITTED reads stop at the last stable offset (= high watermark, no transactions yet)
 */
record FetchPlan(List<Topic> topics, int maxBytes, int minBytes, long maxWaitMs, IsolationLevel isolation) {

    /** One requested topic: its name and id (either may be unknown: null / ZERO) and partitions. */
    record Topic(String name, Uuid id, List<Item> partitions) {}

    /**
     * One requested partition. {@code error} is set when it was rejected while resolving (unknown topic).
     */
    record Item(TopicPartition topicPartition, Uuid topicId, int partition, long fetchOffset, int partitionMaxBytes,
            int currentLeaderEpoch, Errors error) {}

    List<Item> items() {
        return topics.stream().flatMap(t -> t.partitions().stream()).toList();
    }
}
