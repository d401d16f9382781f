package dev.kelpie.broker.server;

import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.TopicImage;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Resolves a partition named in a request against the image and runs work on its owner thread: the common
 * path of ListOffsets, DeleteRecords and OffsetForLeaderEpoch. A topic or partition the image lacks is
 * UNKNOWN_TOPIC_OR_PARTITION; one the image has but this broker does not lead (yet) is
 * NOT_LEADER_OR_FOLLOWER.
 *
 * <p>Thread-safety: stateless.
 */
final class PartitionLookup {
    private PartitionLookup() {
    }

    static <T> CompletableFuture<T> call(MetadataImage image, PartitionManager partitions, String topic,
            int partition, Function<Partition, T> task) {
        TopicImage t = image.topic(topic).orElse(null);
        if (t == null || t.partition(partition) == null) {
            return CompletableFuture.failedFuture(new UnknownTopicOrPartitionException(
                    "This server does not host " + topic + "-" + partition));
        }
        return partitions.call(new TopicPartition(topic, partition), task);
    }
}
