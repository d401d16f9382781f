package dev.kelpie.broker.metadata;

import java.util.List;

/**
 * One partition in a {@link MetadataImage}: leader, leader epoch, replicas and in-sync replicas.
 * Immutable.
 */
public record PartitionImage(int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr) {

    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    /** Replicas that are not alive among {@code liveBrokers}. */
    public List<Integer> offlineReplicas(java.util.Set<Integer> liveBrokers) {
        return replicas.stream().filter(r -> !liveBrokers.contains(r)).toList();
    }
}
