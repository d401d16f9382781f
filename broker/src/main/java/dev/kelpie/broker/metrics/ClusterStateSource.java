package dev.kelpie.broker.metrics;

import java.util.List;
import java.util.Map;

/**
 * What the partition metrics read at each scrape: a snapshot of the metadata image as this broker sees it
 * and of its local partition logs. The broker implements it over its metadata cache and partition manager.
 *
 * <p>Implementations are called on the HTTP thread, once per scrape: they must be safe from any thread and
 * must not block on the broker's own threads.
 */
@FunctionalInterface
public interface ClusterStateSource {

    Snapshot snapshot();

    /**
     * @param brokers brokers registered in the metadata image
     * @param activeController whether this node is the active controller
     * @param topicPartitions every topic of the cluster and its partition count
     * @param leaderlessPartitions partitions of the cluster without a live leader; reported by the active
     *     controller only (0 elsewhere), so that a sum over brokers counts each once
     * @param replicas the partitions with a replica on this broker
     */
    record Snapshot(int brokers, boolean activeController, Map<String, Integer> topicPartitions,
            int leaderlessPartitions, List<Replica> replicas) {

        public Snapshot {
            topicPartitions = Map.copyOf(topicPartitions);
            replicas = List.copyOf(replicas);
        }
    }

    /**
     * One partition with a replica on this broker.
     *
     * @param leader whether this broker leads it
     * @param replicas size of its replica set
     * @param inSyncReplicas size of its ISR
     * @param minInsyncReplicas its {@code min.insync.replicas}
     * @param log its local log, or null when there is none (yet)
     */
    record Replica(String topic, int partition, boolean leader, int replicas, int inSyncReplicas,
            int minInsyncReplicas, Log log) {
    }

    /**
     * A local partition log.
     *
     * @param offlineCause null while online, else {@code corruption} or {@code io_error}
     */
    record Log(long sizeBytes, long startOffset, long endOffset, String offlineCause) {
    }
}
