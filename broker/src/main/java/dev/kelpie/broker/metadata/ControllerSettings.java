package dev.kelpie.broker.metadata;

import dev.kelpie.broker.log.LogConfig;
import java.util.Objects;

/**
 * The broker settings the controller validates against.
 *
 * @param nodeId this node's id
 * @param numPartitions {@code num.partitions}: partitions of a topic created without a count
 * @param defaultReplicationFactor {@code default.replication.factor}
 * @param logDefaults broker-level topic defaults; overrides are validated on top of them
 * @param recordsPerOperationMax records one operation may commit (KRaft's limit of 10000): bounds a
 *     CreateTopics asking for billions of partitions
 */
public record ControllerSettings(int nodeId, int numPartitions, short defaultReplicationFactor, LogConfig logDefaults,
        int recordsPerOperationMax) {

    public static final int RECORDS_PER_OPERATION_MAX = 10_000;

    public ControllerSettings {
        Objects.requireNonNull(logDefaults, "logDefaults");
        if (numPartitions < 1 || defaultReplicationFactor < 1 || recordsPerOperationMax < 1) {
            throw new IllegalArgumentException("numPartitions " + numPartitions + ", defaultReplicationFactor "
                    + defaultReplicationFactor + ", recordsPerOperationMax " + recordsPerOperationMax);
        }
    }
}
