package dev.kelpie.broker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.log.LogConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.Test;

class ConfigDescriberTest {
    private static BrokerConfig withLogDefaults(LogConfig defaults) {
        BrokerConfig b = BrokerConfig.embeddedDefault();
        return new BrokerConfig(b.nodeId(), b.listenerHost(), b.listenerPort(), b.advertisedHost(), b.advertisedPort(),
                b.logDirs(), b.metricsPort(), 6, b.defaultReplicationFactor(), b.autoCreateTopics(), defaults,
                b.socketRequestBytesMax(), b.connectionsIdleMsMax(), b.requestReadTimeoutMs(), b.connectionsMax(),
                b.connectionsPerIpMax(), b.inFlightRequestsPerConnectionMax(), b.ioThreads(),
                b.producerIdExpirationMs());
    }

    private static Map<String, ConfigDescriber.Entry> byName(List<ConfigDescriber.Entry> entries) {
        return entries.stream().collect(Collectors.toMap(ConfigDescriber.Entry::name, Function.identity()));
    }

    @Test
    void topicValuesComeFromOverrideThenStaticBrokerSettingThenKafkaDefault() {
        LogConfig brokerDefaults = LogConfig.defaults().withOverrides(Map.of("retention.ms", "86400000"));
        ConfigDescriber describer = new ConfigDescriber(withLogDefaults(brokerDefaults));
        Map<String, ConfigDescriber.Entry> plain = byName(describer.topicConfigs(Map.of()));
        assertThat(plain.keySet()).containsExactlyInAnyOrderElementsOf(LogConfig.names());
        assertThat(plain.get("retention.ms").value()).isEqualTo("86400000");
        assertThat(plain.get("retention.ms").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(plain.get("retention.ms").synonyms()).extracting(ConfigDescriber.Synonym::name)
                .containsExactly("log.retention.ms", "log.retention.ms");
        assertThat(plain.get("retention.ms").synonyms()).extracting(ConfigDescriber.Synonym::value)
                .containsExactly("86400000", "604800000");
        assertThat(plain.get("segment.bytes").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(plain.get("segment.ms").synonyms().get(0).name()).isEqualTo("log.roll.ms");

        Map<String, ConfigDescriber.Entry> overridden = byName(describer.topicConfigs(Map.of("retention.ms", "5000")));
        assertThat(overridden.get("retention.ms").value()).isEqualTo("5000");
        assertThat(overridden.get("retention.ms").source()).isEqualTo(ConfigSource.TOPIC_CONFIG);
        assertThat(overridden.get("retention.ms").synonyms()).extracting(ConfigDescriber.Synonym::source)
                .containsExactly(ConfigSource.TOPIC_CONFIG, ConfigSource.STATIC_BROKER_CONFIG,
                        ConfigSource.DEFAULT_CONFIG);
        assertThat(overridden.get("retention.ms").readOnly()).isFalse();
    }

    @Test
    void brokerSettingsAreReadOnlyAndMarkedStaticWhenChanged() {
        ConfigDescriber describer = new ConfigDescriber(withLogDefaults(LogConfig.defaults()));
        Map<String, ConfigDescriber.Entry> entries = byName(describer.brokerConfigs());
        assertThat(entries.get("num.partitions").value()).isEqualTo("6");
        assertThat(entries.get("num.partitions").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(entries.get("node.id").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(entries.get("log.segment.bytes").value()).isEqualTo("1073741824");
        assertThat(entries.values()).allSatisfy(e -> assertThat(e.readOnly()).isTrue());
    }
}
