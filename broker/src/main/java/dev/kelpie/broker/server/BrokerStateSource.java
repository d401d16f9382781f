package dev.kelpie.broker.server;

import dev.kelpie.broker.log.SegmentedLog;
import dev.kelpie.broker.metadata.MetadataCache;
import dev.kelpie.broker.metadata.MetadataImage;
import dev.kelpie.broker.metadata.PartitionImage;
import dev.kelpie.broker.metadata.TopicImage;
import dev.kelpie.broker.metrics.ClusterStateSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The broker's {@link ClusterStateSource}: the current metadata image and the local partition logs. This
 * single node is always the active controller.
 *
 * <p>Thread-safety: reads an immutable image and the logs' thread-safe getters; safe from any thread.
 */
final class BrokerStateSource implements ClusterStateSource {
    private final int nodeId;
    private final MetadataCache cache;
    private final PartitionManager partitions;

    BrokerStateSource(int nodeId, MetadataCache cache, PartitionManager partitions) {
        this.nodeId = nodeId;
        this.cache = cache;
        this.partitions = partitions;
    }

    @Override
    public Snapshot snapshot() {
        MetadataImage image = cache.image();
        Set<Integer> live = image.brokers().keySet();
        Map<String, Integer> topicPartitions = new HashMap<>();
        List<Replica> replicas = new ArrayList<>();
        int leaderless = 0;
        for (TopicImage topic : image.topics().values()) {
            topicPartitions.put(topic.name(), topic.partitionCount());
            for (PartitionImage p : topic.partitions().values()) {
                if (!live.contains(p.leader())) {
                    leaderless++;
                }
                if (p.replicas().contains(nodeId)) {
                    replicas.add(replica(topic.name(), p));
                }
            }
        }
        return new Snapshot(live.size(), true, topicPartitions, leaderless, replicas);
    }

    private Replica replica(String topic, PartitionImage p) {
        SegmentedLog log = partitions.logManager().get(new TopicPartition(topic, p.partition())).orElse(null);
        Log state = log == null ? null
                : new Log(log.sizeInBytes(), log.logStartOffset(), log.logEndOffset(), log.offlineCause());
        int minIsr = log == null ? 1 : log.config().minInsyncReplicas();
        return new Replica(topic, p.partition(), p.leader() == nodeId, p.replicas().size(), p.isr().size(), minIsr,
                state);
    }
}
