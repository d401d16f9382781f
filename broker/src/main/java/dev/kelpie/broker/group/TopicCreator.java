package dev.kelpie.broker.group;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.ApiError;

/**
 * Creates a topic through the controller; the coordinator creates {@code __consumer_offsets} with it on first
 * use. The future completes once the topic is in the published metadata image (or with the creation's error).
 */
@FunctionalInterface
public interface TopicCreator {
    CompletableFuture<ApiError> create(String name, int partitions, short replicationFactor,
            Map<String, String> configs);
}
