package dev.kelpie.broker.metadata;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;

/**
 * One topic in a {@link MetadataImage}: its name, its never-reused id and its partitions by index.
 * Immutable.
 */
public record TopicImage(String name, Uuid id, NavigableMap<Integer, PartitionImage> partitions) {

    public TopicImage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        partitions = Collections.unmodifiableNavigableMap(new TreeMap<>(partitions));
    }

    public int partitionCount() {
        return partitions.size();
    }

    public PartitionImage partition(int index) {
        return partitions.get(index);
    }

    /** Kafka's internal topics ({@code __consumer_offsets}, {@code __transaction_state}). */
    public boolean isInternal() {
        return Topic.isInternal(name);
    }

    TopicImage withPartition(PartitionImage partition) {
        NavigableMap<Integer, PartitionImage> copy = new TreeMap<>(partitions);
        copy.put(partition.partition(), partition);
        return new TopicImage(name, id, copy);
    }

    static TopicImage empty(String name, Uuid id) {
        return new TopicImage(name, id, Collections.emptyNavigableMap());
    }

    @Override
    public String toString() {
        return "TopicImage(" + name + ", " + id + ", partitions=" + partitions.values() + ")";
    }
}
