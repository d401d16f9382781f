package dev.kelpie.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kelpie.broker.group.GroupCoordinatorConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The group coordinator's settings under Kafka's names: defaults, units, validation naming the key. */
class GroupConfigParserTest {

    private static BrokerConfigLoader.Loaded load(Map<String, String> env, String... overrides) {
        return BrokerConfigLoader.load(Optional.empty(), env, List.of(overrides));
    }

    @Test
    void defaultsAreKafkas() {
        GroupCoordinatorConfig g = load(Map.of()).config().groupCoordinator();
        assertThat(g).isEqualTo(GroupCoordinatorConfig.defaults());
        assertThat(g.offsetsTopicPartitions()).isEqualTo(50);
        assertThat(g.initialRebalanceDelayMs()).isEqualTo(3_000);
        assertThat(g.sessionTimeoutMsMin()).isEqualTo(6_000);
        assertThat(g.sessionTimeoutMsMax()).isEqualTo(1_800_000);
        assertThat(g.offsetsRetentionMs()).isEqualTo(7L * 24 * 60 * 60 * 1000);
        assertThat(g.consumerAssignors()).containsExactly("uniform", "range");
    }

    @Test
    void kafkaNamesAndUnitsAreRead() {
        BrokerConfigLoader.Loaded loaded = load(Map.of("KELPIE_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"),
                "offsets.topic.num.partitions=7", "offsets.retention.minutes=2", "offsets.topic.segment.bytes=65536",
                "group.consumer.session.timeout.ms=6000", "group.consumer.heartbeat.interval.ms=500",
                "group.consumer.assignors=org.apache.kafka.coordinator.group.assignor.RangeAssignor,uniform",
                "offsets.topic.replication.factor=3");
        assertThat(loaded.warnings()).isEmpty();
        GroupCoordinatorConfig g = loaded.config().groupCoordinator();
        assertThat(g.initialRebalanceDelayMs()).isZero();
        assertThat(g.offsetsTopicPartitions()).isEqualTo(7);
        assertThat(g.offsetsRetentionMs()).isEqualTo(120_000);
        assertThat(g.offsetsTopicSegmentBytes()).isEqualTo(65_536);
        assertThat(g.consumerSessionTimeoutMs()).isEqualTo(6_000);
        assertThat(g.consumerHeartbeatIntervalMs()).isEqualTo(500);
        assertThat(g.consumerAssignors()).containsExactly("range", "uniform");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> load(Map.of(), "group.initial.rebalance.delay.ms=-1"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("group.initial.rebalance.delay.ms");
        assertThatThrownBy(() -> load(Map.of(), "group.min.session.timeout.ms=10000",
                "group.max.session.timeout.ms=5000")).hasMessageContaining("group.max.session.timeout.ms");
        assertThatThrownBy(() -> load(Map.of(), "group.consumer.assignors=sticky"))
                .hasMessageContaining("group.consumer.assignors");
        assertThatThrownBy(() -> load(Map.of(), "group.consumer.session.timeout.ms=1000",
                "group.consumer.heartbeat.interval.ms=1000")).hasMessageContaining("group.consumer.heartbeat.interval.ms");
        assertThatThrownBy(() -> load(Map.of(), "offsets.topic.num.partitions=0"))
                .hasMessageContaining("offsets.topic.num.partitions");
    }
}
