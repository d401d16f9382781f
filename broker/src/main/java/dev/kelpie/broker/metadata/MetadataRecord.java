package dev.kelpie.broker.metadata;

import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

/**
 * One change to cluster metadata. The {@link MetadataImage} is built only by replaying these, in log order,
 * so every node that replays the same log holds the same image.
 *
 * <p>Each record is immutable. Records are applied by {@link MetadataImage.Builder#apply}; the durable
 * encoding is {@link MetadataRecordSerde}.
 */
public sealed interface MetadataRecord {

    /** A broker announced (or re-announced) where clients reach it. Replaces any earlier registration. */
    record RegisterBrokerRecord(int brokerId, String host, int port, String rack) implements MetadataRecord {
        public RegisterBrokerRecord {
            Objects.requireNonNull(host, "host");
            if (brokerId < 0 || port < 0 || port > 65535) {
                throw new IllegalArgumentException("broker " + brokerId + " port " + port);
            }
        }
    }

    /** A topic came into existence under a never-reused id. Its partitions follow as {@link PartitionRecord}s. */
    record TopicRecord(String name, Uuid topicId) implements MetadataRecord {
        public TopicRecord {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /**
     * The full state of one partition: created, or replaced (leader change, ISR change) by a later record for
     * the same topic id and partition.
     */
    record PartitionRecord(Uuid topicId, int partitionId, List<Integer> replicas, List<Integer> isr, int leader,
            int leaderEpoch) implements MetadataRecord {
        public PartitionRecord {
            Objects.requireNonNull(topicId, "topicId");
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
            if (partitionId < 0 || leaderEpoch < 0) {
                throw new IllegalArgumentException("partition " + partitionId + " epoch " + leaderEpoch);
            }
        }
    }

    /** Sets ({@code value != null}) or removes ({@code value == null}) one config of a topic or broker. */
    record ConfigRecord(ConfigResource.Type resourceType, String resourceName, String name, String value)
            implements MetadataRecord {
        public ConfigRecord {
            Objects.requireNonNull(resourceType, "resourceType");
            Objects.requireNonNull(resourceName, "resourceName");
            Objects.requireNonNull(name, "name");
        }
    }

    /** The topic, its partitions and its config overrides are gone. */
    record RemoveTopicRecord(Uuid topicId) implements MetadataRecord {
        public RemoveTopicRecord {
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /**
     * A block of producer ids {@code [previous next, nextProducerId)} was handed to {@code brokerId}; ids below
     * {@code nextProducerId} are never handed out again.
     */
    record ProducerIdsRecord(int brokerId, long nextProducerId) implements MetadataRecord {
        public ProducerIdsRecord {
            if (nextProducerId < 0) {
                throw new IllegalArgumentException("nextProducerId " + nextProducerId);
            }
        }
    }
}
