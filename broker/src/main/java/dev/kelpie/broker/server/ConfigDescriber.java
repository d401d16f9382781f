package dev.kelpie.broker.server;

import dev.kelpie.broker.config.BrokerConfig;
import dev.kelpie.broker.log.LogConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Describes topic and broker configs the way Kafka does, for DescribeConfigs and CreateTopics v5+.
 *
 * <p>A topic config's value comes from, in order: the topic's override ({@code TOPIC_CONFIG}, shown by
 * Kafka's tools as DYNAMIC_TOPIC_CONFIG), the broker's static setting under its broker-level name when it
 * differs from Kafka's default ({@code STATIC_BROKER_CONFIG}, e.g. {@code log.retention.ms}), else Kafka's
 * default ({@code DEFAULT_CONFIG}). The synonyms list those candidates in that order.
 *
 * <p>Broker configs are read-only (Kelpie has no dynamic broker configs yet): a value equal to the
 * embedded default is reported as DEFAULT_CONFIG, anything else as STATIC_BROKER_CONFIG.
 *
 * <p>Thread-safety: immutable.
 */
public final class ConfigDescriber {

    /** One described config. */
    public record Entry(String name, String value, ConfigSource source, boolean readOnly, ConfigType type,
            List<Synonym> synonyms) {}

    /** One candidate source of a config's value. */
    public record Synonym(String name, String value, ConfigSource source) {}

    /** Topic config name → the broker-level name of its default. */
    static final Map<String, String> BROKER_SYNONYMS = brokerSynonyms();

    private static final LogConfig KAFKA_DEFAULTS = LogConfig.defaults();

    private final LogConfig brokerDefaults;
    private final Map<String, String> brokerValues;
    private final Map<String, String> embeddedDefaults;

    public ConfigDescriber(BrokerConfig config) {
        this.brokerDefaults = Objects.requireNonNull(config.logDefaults());
        this.brokerValues = brokerStrings(config);
        this.embeddedDefaults = brokerStrings(BrokerConfig.embeddedDefault());
    }

    /** Every topic config with its effective value, given the topic's overrides. */
    public List<Entry> topicConfigs(Map<String, String> overrides) {
        Map<String, String> brokerLevel = brokerDefaults.asStrings();
        Map<String, String> kafkaLevel = KAFKA_DEFAULTS.asStrings();
        List<Entry> entries = new ArrayList<>();
        for (String name : LogConfig.names()) {
            List<Synonym> synonyms = new ArrayList<>(3);
            if (overrides.containsKey(name)) {
                synonyms.add(new Synonym(name, overrides.get(name), ConfigSource.TOPIC_CONFIG));
            }
            String brokerName = BROKER_SYNONYMS.get(name);
            if (!brokerLevel.get(name).equals(kafkaLevel.get(name))) {
                synonyms.add(new Synonym(brokerName, brokerLevel.get(name), ConfigSource.STATIC_BROKER_CONFIG));
            }
            synonyms.add(new Synonym(brokerName, kafkaLevel.get(name), ConfigSource.DEFAULT_CONFIG));
            Synonym winner = synonyms.get(0);
            entries.add(new Entry(name, winner.value(), winner.source(), false, topicConfigType(name),
                    Collections.unmodifiableList(synonyms)));
        }
        return entries;
    }

    /** Every broker setting, read-only. */
    public List<Entry> brokerConfigs() {
        List<Entry> entries = new ArrayList<>();
        brokerValues.forEach((name, value) -> {
            ConfigSource source = value.equals(embeddedDefaults.get(name)) ? ConfigSource.DEFAULT_CONFIG
                    : ConfigSource.STATIC_BROKER_CONFIG;
            Synonym own = new Synonym(name, value, source);
            List<Synonym> synonyms = source == ConfigSource.DEFAULT_CONFIG ? List.of(own)
                    : List.of(own, new Synonym(name, embeddedDefaults.get(name), ConfigSource.DEFAULT_CONFIG));
            entries.add(new Entry(name, value, source, true, ConfigType.STRING, synonyms));
        });
        return entries;
    }

    private static Map<String, String> brokerStrings(BrokerConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("node.id", Integer.toString(c.nodeId()));
        m.put("listeners", "PLAINTEXT://" + c.listenerHost() + ":" + c.listenerPort());
        m.put("advertised.listeners", "PLAINTEXT://" + c.advertisedHost() + ":" + c.advertisedPort());
        m.put("log.dirs", c.logDirs().stream().map(Object::toString).collect(Collectors.joining(",")));
        m.put("num.partitions", Integer.toString(c.numPartitions()));
        m.put("default.replication.factor", Short.toString(c.defaultReplicationFactor()));
        m.put("auto.create.topics.enable", Boolean.toString(c.autoCreateTopics()));
        m.put("socket.request.max.bytes", Integer.toString(c.socketRequestBytesMax()));
        m.put("socket.send.buffer.bytes", Integer.toString(c.socketSendBufferBytes()));
        m.put("socket.receive.buffer.bytes", Integer.toString(c.socketReceiveBufferBytes()));
        m.put("connections.max.idle.ms", Long.toString(c.connectionsIdleMsMax()));
        m.put("max.connections", Integer.toString(c.connectionsMax()));
        m.put("max.connections.per.ip", Integer.toString(c.connectionsPerIpMax()));
        m.put("producer.id.expiration.ms", Long.toString(c.producerIdExpirationMs()));
        m.put("kelpie.io.threads", Integer.toString(c.ioThreads()));
        m.put("kelpie.log.journal.enable", Boolean.toString(c.logJournalEnable()));
        m.put("kelpie.log.journal.bytes.max", Long.toString(c.logJournalBytesMax()));
        m.put("kelpie.log.journal.file.bytes", Long.toString(c.logJournalFileBytes()));
        m.put("kelpie.log.journal.gather.max.us", Long.toString(c.logJournalGatherUsMax()));
        m.put("kelpie.metrics.port", Integer.toString(c.metricsPort()));
        m.put("kelpie.request.read.timeout.ms", Long.toString(c.requestReadTimeoutMs()));
        Map<String, String> log = c.logDefaults().asStrings();
        BROKER_SYNONYMS.forEach((topicName, brokerName) -> m.put(brokerName, log.get(topicName)));
        return m;
    }

    private static ConfigType topicConfigType(String name) {
        return switch (name) {
            case LogConfig.CLEANUP_POLICY -> ConfigType.LIST;
            case LogConfig.COMPRESSION_TYPE, LogConfig.MESSAGE_TIMESTAMP_TYPE, LogConfig.FLUSH_POLICY ->
                    ConfigType.STRING;
            case LogConfig.MIN_CLEANABLE_DIRTY_RATIO -> ConfigType.DOUBLE;
            case LogConfig.SEGMENT_BYTES, LogConfig.SEGMENT_INDEX_BYTES, LogConfig.INDEX_INTERVAL_BYTES,
                    LogConfig.MAX_MESSAGE_BYTES, LogConfig.MIN_INSYNC_REPLICAS -> ConfigType.INT;
            default -> ConfigType.LONG;
        };
    }

    private static Map<String, String> brokerSynonyms() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(LogConfig.SEGMENT_BYTES, "log.segment.bytes");
        m.put(LogConfig.SEGMENT_MS, "log.roll.ms");
        m.put(LogConfig.SEGMENT_INDEX_BYTES, "log.index.size.max.bytes");
        m.put(LogConfig.INDEX_INTERVAL_BYTES, "log.index.interval.bytes");
        m.put(LogConfig.RETENTION_MS, "log.retention.ms");
        m.put(LogConfig.RETENTION_BYTES, "log.retention.bytes");
        m.put(LogConfig.MAX_MESSAGE_BYTES, "message.max.bytes");
        m.put(LogConfig.CLEANUP_POLICY, "log.cleanup.policy");
        m.put(LogConfig.DELETE_RETENTION_MS, "log.cleaner.delete.retention.ms");
        m.put(LogConfig.MIN_COMPACTION_LAG_MS, "log.cleaner.min.compaction.lag.ms");
        m.put(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, "log.cleaner.min.cleanable.ratio");
        m.put(LogConfig.MESSAGE_TIMESTAMP_TYPE, "log.message.timestamp.type");
        m.put(LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS, "log.message.timestamp.before.max.ms");
        m.put(LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS, "log.message.timestamp.after.max.ms");
        m.put(LogConfig.COMPRESSION_TYPE, "compression.type");
        m.put(LogConfig.MIN_INSYNC_REPLICAS, "min.insync.replicas");
        m.put(LogConfig.FLUSH_POLICY, "log.flush.policy");
        m.put(LogConfig.FLUSH_MESSAGES, "log.flush.interval.messages");
        m.put(LogConfig.FLUSH_MS, "log.flush.interval.ms");
        m.put(LogConfig.FILE_DELETE_DELAY_MS, "log.segment.delete.delay.ms");
        return Collections.unmodifiableMap(m);
    }
}
