package dev.kelpie.broker.metadata;

import dev.kelpie.broker.metadata.MetadataRecord.ConfigRecord;
import dev.kelpie.broker.metadata.MetadataRecord.PartitionRecord;
import dev.kelpie.broker.metadata.MetadataRecord.ProducerIdsRecord;
import dev.kelpie.broker.metadata.MetadataRecord.RegisterBrokerRecord;
import dev.kelpie.broker.metadata.MetadataRecord.RemoveTopicRecord;
import dev.kelpie.broker.metadata.MetadataRecord.TopicRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The cluster's metadata at one point of the metadata log: registered brokers, topics (name, id,
 * partitions with leader, epoch, replicas, ISR), config overrides of topics and brokers, and the next
 * producer id the controller will hand out.
 *
 * <p>An image is built only by replaying {@link MetadataRecord}s through a {@link Builder}: the empty image
 * plus the log gives the current image, and every node replaying the same log agrees. Handlers read the
 * current image through {@link MetadataCache}; they never change it.
 *
 * <p>Thread-safety: immutable, safe to share.
 */
public final class MetadataImage {
    private final String clusterId;
    private final long lastOffset;
    private final NavigableMap<Integer, BrokerRegistration> brokers;
    private final NavigableMap<String, TopicImage> topicsByName;
    private final Map<Uuid, TopicImage> topicsById;
    private final Map<ConfigResource, Map<String, String>> configs;
    private final long nextProducerId;

    private MetadataImage(String clusterId, long lastOffset, NavigableMap<Integer, BrokerRegistration> brokers,
            NavigableMap<String, TopicImage> topicsByName, Map<Uuid, TopicImage> topicsById,
            Map<ConfigResource, Map<String, String>> configs, long nextProducerId) {
        this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
        this.lastOffset = lastOffset;
        this.brokers = Collections.unmodifiableNavigableMap(brokers);
        this.topicsByName = Collections.unmodifiableNavigableMap(topicsByName);
        this.topicsById = Collections.unmodifiableMap(topicsById);
        this.configs = Collections.unmodifiableMap(configs);
        this.nextProducerId = nextProducerId;
    }

    /** The image before any record: no brokers, no topics, producer ids from 0. */
    public static MetadataImage empty(String clusterId) {
        return new MetadataImage(clusterId, -1, new TreeMap<>(), new TreeMap<>(), new HashMap<>(), new HashMap<>(), 0);
    }

    /** The image a log replays to: {@code empty(clusterId)} plus every entry in order. */
    public static MetadataImage replay(String clusterId, List<MetadataLog.Entry> entries) {
        Builder builder = empty(clusterId).toBuilder();
        for (MetadataLog.Entry e : entries) {
            builder.apply(e.offset(), e.record());
        }
        return builder.build();
    }

    public String clusterId() {
        return clusterId;
    }

    /** Offset in the metadata log of the last record applied, -1 for none. */
    public long lastOffset() {
        return lastOffset;
    }

    public NavigableMap<Integer, BrokerRegistration> brokers() {
        return brokers;
    }

    public Optional<BrokerRegistration> broker(int id) {
        return Optional.ofNullable(brokers.get(id));
    }

    /** Topics in name order. */
    public NavigableMap<String, TopicImage> topics() {
        return topicsByName;
    }

    public Optional<TopicImage> topic(String name) {
        return Optional.ofNullable(topicsByName.get(name));
    }

    public Optional<TopicImage> topic(Uuid id) {
        return Optional.ofNullable(topicsById.get(id));
    }

    /** Overrides set on a resource (never null). */
    public Map<String, String> configs(ConfigResource resource) {
        return configs.getOrDefault(resource, Map.of());
    }

    public Map<String, String> topicConfigs(String topic) {
        return configs(new ConfigResource(ConfigResource.Type.TOPIC, topic));
    }

    /** The first producer id the controller has not handed out yet. */
    public long nextProducerId() {
        return nextProducerId;
    }

    /** The records that rebuild this image from empty: a snapshot. */
    public List<MetadataRecord> toRecords() {
        List<MetadataRecord> records = new ArrayList<>();
        for (BrokerRegistration b : brokers.values()) {
            records.add(new RegisterBrokerRecord(b.id(), b.host(), b.port(), b.rack()));
        }
        for (TopicImage t : topicsByName.values()) {
            records.add(new TopicRecord(t.name(), t.id()));
            for (PartitionImage p : t.partitions().values()) {
                records.add(new PartitionRecord(t.id(), p.partition(), p.replicas(), p.isr(), p.leader(),
                        p.leaderEpoch()));
            }
        }
        configs.forEach((resource, entries) -> entries.forEach((k, v) ->
                records.add(new ConfigRecord(resource.type(), resource.name(), k, v))));
        if (nextProducerId > 0) {
            records.add(new ProducerIdsRecord(-1, nextProducerId));
        }
        return records;
    }

    /** A builder starting from this image. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public String toString() {
        return "MetadataImage(cluster=" + clusterId + ", offset=" + lastOffset + ", brokers=" + brokers.keySet()
                + ", topics=" + topicsByName.keySet() + ", nextProducerId=" + nextProducerId + ")";
    }

    /**
     * Applies records to a copy of an image. A record that contradicts the image (a partition of an unknown
     * topic, a second topic under an existing name) is a corrupt log: it throws IllegalStateException rather
     * than guessing.
     *
     * <p>Thread-safety: confined to one thread.
     */
    public static final class Builder {
        private final String clusterId;
        private long lastOffset;
        private final NavigableMap<Integer, BrokerRegistration> brokers;
        private final NavigableMap<String, TopicImage> topicsByName;
        private final Map<Uuid, TopicImage> topicsById;
        private final Map<ConfigResource, Map<String, String>> configs;
        private long nextProducerId;

        private Builder(MetadataImage base) {
            clusterId = base.clusterId;
            lastOffset = base.lastOffset;
            brokers = new TreeMap<>(base.brokers);
            topicsByName = new TreeMap<>(base.topicsByName);
            topicsById = new HashMap<>(base.topicsById);
            configs = new HashMap<>(base.configs);
            nextProducerId = base.nextProducerId;
        }

        /** Applies the record found at {@code offset} of the metadata log. */
        public Builder apply(long offset, MetadataRecord record) {
            if (record instanceof RegisterBrokerRecord r) {
                brokers.put(r.brokerId(), new BrokerRegistration(r.brokerId(), r.host(), r.port(), r.rack()));
            } else if (record instanceof TopicRecord r) {
                addTopic(r);
            } else if (record instanceof PartitionRecord r) {
                putPartition(r);
            } else if (record instanceof ConfigRecord r) {
                putConfig(r);
            } else if (record instanceof RemoveTopicRecord r) {
                removeTopic(r.topicId());
            } else if (record instanceof ProducerIdsRecord r) {
                nextProducerId = Math.max(nextProducerId, r.nextProducerId());
            }
            lastOffset = offset;
            return this;
        }

        private void addTopic(TopicRecord r) {
            if (topicsByName.containsKey(r.name()) || topicsById.containsKey(r.topicId())) {
                throw new IllegalStateException("Metadata log creates topic " + r.name() + " twice");
            }
            TopicImage topic = TopicImage.empty(r.name(), r.topicId());
            topicsByName.put(r.name(), topic);
            topicsById.put(r.topicId(), topic);
        }

        private void putPartition(PartitionRecord r) {
            TopicImage topic = topicsById.get(r.topicId());
            if (topic == null) {
                throw new IllegalStateException("Metadata log has a partition of unknown topic id " + r.topicId());
            }
            TopicImage updated = topic.withPartition(
                    new PartitionImage(r.partitionId(), r.leader(), r.leaderEpoch(), r.replicas(), r.isr()));
            topicsByName.put(updated.name(), updated);
            topicsById.put(updated.id(), updated);
        }

        private void putConfig(ConfigRecord r) {
            ConfigResource resource = new ConfigResource(r.resourceType(), r.resourceName());
            Map<String, String> entries = new TreeMap<>(configs.getOrDefault(resource, Map.of()));
            if (r.value() == null) {
                entries.remove(r.name());
            } else {
                entries.put(r.name(), r.value());
            }
            if (entries.isEmpty()) {
                configs.remove(resource);
            } else {
                configs.put(resource, Collections.unmodifiableMap(entries));
            }
        }

        private void removeTopic(Uuid id) {
            TopicImage topic = topicsById.remove(id);
            if (topic == null) {
                throw new IllegalStateException("Metadata log removes unknown topic id " + id);
            }
            topicsByName.remove(topic.name());
            configs.remove(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
        }

        public MetadataImage build() {
            return new MetadataImage(clusterId, lastOffset, new TreeMap<>(brokers), new TreeMap<>(topicsByName),
                    new HashMap<>(topicsById), new HashMap<>(configs), nextProducerId);
        }
    }
}
