package dev.kelpie.broker.group;

import java.util.List;

/**
 * Settings of the group coordinator, under Kafka's broker property names, with Kafka 4.4's defaults.
 *
 * @param offsetsTopicPartitions {@code offsets.topic.num.partitions}: partitions of {@code __consumer_offsets},
 *     fixed once the topic exists (a group's partition is {@code abs(groupId.hashCode()) % partitions})
 * @param offsetsTopicReplicationFactor {@code offsets.topic.replication.factor}, capped by the registered brokers
 * @param offsetsTopicSegmentBytes {@code offsets.topic.segment.bytes}: segment size of {@code __consumer_offsets};
 *     compaction works on closed segments only, so this bounds what stays uncompacted
 * @param offsetsRetentionMs {@code offsets.retention.minutes} in ms: offsets expire this long after their group
 *     became empty (or, for groups without members ever, after their commit)
 * @param offsetsRetentionCheckIntervalMs {@code offsets.retention.check.interval.ms}
 * @param offsetMetadataBytesMax {@code offset.metadata.max.bytes}: longer commit metadata is
 *     OFFSET_METADATA_TOO_LARGE
 * @param offsetCommitTimeoutMs {@code offsets.commit.timeout.ms}: how long a write to {@code __consumer_offsets}
 *     may take before the request is answered with REQUEST_TIMED_OUT
 * @param initialRebalanceDelayMs {@code group.initial.rebalance.delay.ms}: how long the first rebalance of an
 *     empty group waits for more members
 * @param sessionTimeoutMsMin {@code group.min.session.timeout.ms}
 * @param sessionTimeoutMsMax {@code group.max.session.timeout.ms}
 * @param groupSizeMax {@code group.max.size}: members of one classic group
 * @param threads {@code group.coordinator.threads}: threads the coordinator shards are hashed onto
 * @param consumerSessionTimeoutMs {@code group.consumer.session.timeout.ms}: KIP-848 member session
 * @param consumerHeartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}: KIP-848 heartbeat interval
 * @param consumerAssignors {@code group.consumer.assignors}: server-side assignors, the first is the default
 *     ({@code uniform}, {@code range})
 * @param consumerGroupSizeMax {@code group.consumer.max.size}: members of one consumer group
 *
 * <p>Immutable; validated on construction (IllegalArgumentException; the config loader reports bad values by
 * key before that).
 */
public record GroupCoordinatorConfig(
        int offsetsTopicPartitions,
        short offsetsTopicReplicationFactor,
        int offsetsTopicSegmentBytes,
        long offsetsRetentionMs,
        long offsetsRetentionCheckIntervalMs,
        int offsetMetadataBytesMax,
        long offsetCommitTimeoutMs,
        int initialRebalanceDelayMs,
        int sessionTimeoutMsMin,
        int sessionTimeoutMsMax,
        int groupSizeMax,
        int threads,
        int consumerSessionTimeoutMs,
        int consumerHeartbeatIntervalMs,
        List<String> consumerAssignors,
        int consumerGroupSizeMax) {

    public static final String OFFSETS_TOPIC_PARTITIONS = "offsets.topic.num.partitions";
    public static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsets.topic.replication.factor";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String OFFSETS_COMMIT_TIMEOUT_MS = "offsets.commit.timeout.ms";
    public static final String INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String MAX_SIZE = "group.max.size";
    public static final String THREADS = "group.coordinator.threads";
    public static final String CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String CONSUMER_ASSIGNORS = "group.consumer.assignors";
    public static final String CONSUMER_MAX_SIZE = "group.consumer.max.size";

    /** Every key above, for the config loader. */
    public static final List<String> KEYS = List.of(OFFSETS_TOPIC_PARTITIONS, OFFSETS_TOPIC_REPLICATION_FACTOR,
            OFFSETS_TOPIC_SEGMENT_BYTES, OFFSETS_RETENTION_MINUTES, OFFSETS_RETENTION_CHECK_INTERVAL_MS,
            OFFSET_METADATA_MAX_BYTES, OFFSETS_COMMIT_TIMEOUT_MS, INITIAL_REBALANCE_DELAY_MS, MIN_SESSION_TIMEOUT_MS,
            MAX_SESSION_TIMEOUT_MS, MAX_SIZE, THREADS, CONSUMER_SESSION_TIMEOUT_MS, CONSUMER_HEARTBEAT_INTERVAL_MS,
            CONSUMER_ASSIGNORS, CONSUMER_MAX_SIZE);

    public GroupCoordinatorConfig {
        consumerAssignors = List.copyOf(consumerAssignors);
        if (offsetsTopicPartitions < 1 || offsetsTopicReplicationFactor < 1 || sessionTimeoutMsMin > sessionTimeoutMsMax
                || consumerHeartbeatIntervalMs >= consumerSessionTimeoutMs || consumerAssignors.isEmpty()
                || threads < 1) {
            throw new IllegalArgumentException("Invalid group coordinator settings: " + offsetsTopicPartitions + ", "
                    + offsetsTopicReplicationFactor + ", session " + sessionTimeoutMsMin + ".." + sessionTimeoutMsMax
                    + ", consumer heartbeat " + consumerHeartbeatIntervalMs + " / session " + consumerSessionTimeoutMs
                    + ", assignors " + consumerAssignors + ", threads " + threads);
        }
        for (String assignor : consumerAssignors) {
            if (!Assignors.NAMES.contains(assignor)) {
                throw new IllegalArgumentException("Unknown assignor " + assignor + "; known: " + Assignors.NAMES);
            }
        }
    }

    /** Kafka 4.4's defaults. */
    public static GroupCoordinatorConfig defaults() {
        return new GroupCoordinatorConfig(50, (short) 3, 100 * 1024 * 1024, 7L * 24 * 60 * 60 * 1000, 600_000, 4096,
                5_000, 3_000, 6_000, 1_800_000, Integer.MAX_VALUE, 4, 45_000, 5_000, List.of("uniform", "range"),
                Integer.MAX_VALUE);
    }

    public GroupCoordinatorConfig withInitialRebalanceDelayMs(int ms) {
        return new GroupCoordinatorConfig(offsetsTopicPartitions, offsetsTopicReplicationFactor,
                offsetsTopicSegmentBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetMetadataBytesMax,
                offsetCommitTimeoutMs, ms, sessionTimeoutMsMin, sessionTimeoutMsMax, groupSizeMax, threads,
                consumerSessionTimeoutMs, consumerHeartbeatIntervalMs, consumerAssignors, consumerGroupSizeMax);
    }

    public GroupCoordinatorConfig withOffsetsTopic(int partitions, int segmentBytes) {
        return new GroupCoordinatorConfig(partitions, offsetsTopicReplicationFactor, segmentBytes, offsetsRetentionMs,
                offsetsRetentionCheckIntervalMs, offsetMetadataBytesMax, offsetCommitTimeoutMs, initialRebalanceDelayMs,
                sessionTimeoutMsMin, sessionTimeoutMsMax, groupSizeMax, threads, consumerSessionTimeoutMs,
                consumerHeartbeatIntervalMs, consumerAssignors, consumerGroupSizeMax);
    }

    public GroupCoordinatorConfig withConsumerTimeouts(int sessionTimeoutMs, int heartbeatIntervalMs) {
        return new GroupCoordinatorConfig(offsetsTopicPartitions, offsetsTopicReplicationFactor,
                offsetsTopicSegmentBytes, offsetsRetentionMs, offsetsRetentionCheckIntervalMs, offsetMetadataBytesMax,
                offsetCommitTimeoutMs, initialRebalanceDelayMs, sessionTimeoutMsMin, sessionTimeoutMsMax, groupSizeMax,
                threads, sessionTimeoutMs, heartbeatIntervalMs, consumerAssignors, consumerGroupSizeMax);
    }

    public GroupCoordinatorConfig withOffsetsRetention(long retentionMs, long checkIntervalMs) {
        return new GroupCoordinatorConfig(offsetsTopicPartitions, offsetsTopicReplicationFactor,
                offsetsTopicSegmentBytes, retentionMs, checkIntervalMs, offsetMetadataBytesMax, offsetCommitTimeoutMs,
                initialRebalanceDelayMs, sessionTimeoutMsMin, sessionTimeoutMsMax, groupSizeMax, threads,
                consumerSessionTimeoutMs, consumerHeartbeatIntervalMs, consumerAssignors, consumerGroupSizeMax);
    }
}
