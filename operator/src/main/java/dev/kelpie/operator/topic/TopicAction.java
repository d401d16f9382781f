package dev.kelpie.operator.topic;

import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;

/** One Admin API call that brings a topic closer to its resource. */
public sealed interface TopicAction {

    /**
     * CreateTopics.
     *
     * @param name topic name
     * @param partitions partitions, or empty for the broker's {@code num.partitions}
     * @param replicas replication factor, or empty for the broker's {@code default.replication.factor}
     * @param configs topic configs
     */
    record Create(String name, OptionalInt partitions, OptionalInt replicas,
            SortedMap<String, String> configs) implements TopicAction {
    }

    /**
     * CreatePartitions up to a new total.
     *
     * @param name topic name
     * @param totalCount the partition count after the call
     */
    record AddPartitions(String name, int totalCount) implements TopicAction {
    }

    /**
     * IncrementalAlterConfigs: SET the first, DELETE the second (configs set behind the operator's back).
     *
     * @param name topic name
     * @param set configs to set
     * @param delete configs to remove from the topic, back to the broker default
     */
    record AlterConfigs(String name, Map<String, String> set, Set<String> delete) implements TopicAction {
    }
}
