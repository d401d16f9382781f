package dev.kelpie.broker.config;

import static dev.kelpie.broker.group.GroupCoordinatorConfig.CONSUMER_ASSIGNORS;
import static dev.kelpie.broker.group.GroupCoordinatorConfig.CONSUMER_HEARTBEAT_INTERVAL_MS;
import static dev.kelpie.broker.group.GroupCoordinatorConfig.CONSUMER_SESSION_TIMEOUT_MS;
import static dev.kelpie.broker.group.GroupCoordinatorConfig.MAX_SESSION_TIMEOUT_MS;
import static dev.kelpie.broker.group.GroupCoordinatorConfig.MIN_SESSION_TIMEOUT_MS;

import dev.kelpie.broker.group.Assignors;
import dev.kelpie.broker.group.GroupCoordinatorConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads the group coordinator's settings ({@link GroupCoordinatorConfig#KEYS}) with Kafka's names and units:
 * {@code offsets.retention.minutes} is minutes; {@code group.consumer.assignors} takes Kelpie's names
 * ({@code uniform}, {@code range}) or Kafka's assignor class names.
 *
 * <p>Stateless; safe from any thread.
 */
final class GroupConfigParser {
    private static final long MS_PER_MINUTE = 60_000L;
    private static final int INT_MAX = Integer.MAX_VALUE;

    private GroupConfigParser() {
    }

    static GroupCoordinatorConfig parse(ConfigValues v, GroupCoordinatorConfig d) {
        int minSession = v.intValue(MIN_SESSION_TIMEOUT_MS, d.sessionTimeoutMsMin(), 1, INT_MAX);
        int maxSession = v.intValue(MAX_SESSION_TIMEOUT_MS, d.sessionTimeoutMsMax(), minSession, INT_MAX);
        int consumerSession = v.intValue(CONSUMER_SESSION_TIMEOUT_MS, d.consumerSessionTimeoutMs(), 1, INT_MAX);
        int consumerHeartbeat = v.intValue(CONSUMER_HEARTBEAT_INTERVAL_MS, d.consumerHeartbeatIntervalMs(), 1,
                consumerSession - 1L);
        return new GroupCoordinatorConfig(
                v.intValue(GroupCoordinatorConfig.OFFSETS_TOPIC_PARTITIONS, d.offsetsTopicPartitions(), 1, 10_000),
                (short) v.intValue(GroupCoordinatorConfig.OFFSETS_TOPIC_REPLICATION_FACTOR,
                        d.offsetsTopicReplicationFactor(), 1, Short.MAX_VALUE),
                v.intValue(GroupCoordinatorConfig.OFFSETS_TOPIC_SEGMENT_BYTES, d.offsetsTopicSegmentBytes(), 1024,
                        INT_MAX),
                v.longValue(GroupCoordinatorConfig.OFFSETS_RETENTION_MINUTES, d.offsetsRetentionMs() / MS_PER_MINUTE,
                        1, Long.MAX_VALUE / MS_PER_MINUTE) * MS_PER_MINUTE,
                v.longValue(GroupCoordinatorConfig.OFFSETS_RETENTION_CHECK_INTERVAL_MS,
                        d.offsetsRetentionCheckIntervalMs(), 1, Long.MAX_VALUE),
                v.intValue(GroupCoordinatorConfig.OFFSET_METADATA_MAX_BYTES, d.offsetMetadataBytesMax(), 0, INT_MAX),
                v.longValue(GroupCoordinatorConfig.OFFSETS_COMMIT_TIMEOUT_MS, d.offsetCommitTimeoutMs(), 1,
                        Long.MAX_VALUE),
                v.intValue(GroupCoordinatorConfig.INITIAL_REBALANCE_DELAY_MS, d.initialRebalanceDelayMs(), 0, INT_MAX),
                minSession,
                maxSession,
                v.intValue(GroupCoordinatorConfig.MAX_SIZE, d.groupSizeMax(), 1, INT_MAX),
                v.intValue(GroupCoordinatorConfig.THREADS, d.threads(), 1, 256),
                consumerSession,
                consumerHeartbeat,
                assignors(v, d.consumerAssignors()),
                v.intValue(GroupCoordinatorConfig.CONSUMER_MAX_SIZE, d.consumerGroupSizeMax(), 1, INT_MAX));
    }

    private static List<String> assignors(ConfigValues v, List<String> defaults) {
        if (!v.has(CONSUMER_ASSIGNORS)) {
            return defaults;
        }
        List<String> names = new ArrayList<>();
        for (String given : v.list(CONSUMER_ASSIGNORS)) {
            String name = Assignors.canonicalName(given).orElseThrow(() -> new ConfigException(CONSUMER_ASSIGNORS,
                    v.string(CONSUMER_ASSIGNORS).orElse(""), "unknown assignor " + given + "; known: "
                            + Assignors.NAMES));
            names.add(name);
        }
        if (names.isEmpty()) {
            throw new ConfigException(CONSUMER_ASSIGNORS, "", "must name at least one assignor");
        }
        return List.copyOf(names);
    }
}
