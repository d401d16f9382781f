package dev.kelpie.operator.topic;

import java.util.Map;
import java.util.Objects;

/**
 * A topic as the broker describes it.
 *
 * @param name topic name
 * @param topicId the broker's topic id
 * @param partitions partition count
 * @param replicas replication factor
 * @param configs configs set on the topic itself (source DYNAMIC_TOPIC_CONFIG), not broker defaults
 */
public record ObservedTopic(String name, String topicId, int partitions, int replicas, Map<String, String> configs) {

    public ObservedTopic {
        Objects.requireNonNull(name, "name");
        configs = Map.copyOf(configs);
    }
}
