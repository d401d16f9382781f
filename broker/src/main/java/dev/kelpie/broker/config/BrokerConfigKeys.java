package dev.kelpie.broker.config;

import dev.kelpie.broker.group.GroupCoordinatorConfig;
import dev.kelpie.broker.log.LogConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The property names the broker reads, under Kafka's names where Kafka has one, and the Kafka names it
 * accepts without acting on them.
 *
 * <p>Immutable constants; safe from any thread.
 */
public final class BrokerConfigKeys {
    public static final String NODE_ID = "node.id";
    /** The cluster id to format new log dirs with, checked against formatted ones; not a runtime setting. */
    public static final String CLUSTER_ID = "cluster.id";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String SOCKET_SEND_BUFFER_BYTES = "socket.send.buffer.bytes";
    public static final String SOCKET_RECEIVE_BUFFER_BYTES = "socket.receive.buffer.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "max.connections.per.ip";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String METRICS_PORT = "kelpie.metrics.port";
    public static final String METRICS_PARTITION_SERIES_MAX = "kelpie.metrics.partition.series.max";
    public static final String REQUEST_READ_TIMEOUT_MS = "kelpie.request.read.timeout.ms";
    public static final String IO_THREADS = "kelpie.io.threads";
    public static final String LOG_JOURNAL_ENABLE = "kelpie.log.journal.enable";
    public static final String LOG_JOURNAL_BYTES_MAX = "kelpie.log.journal.bytes.max";
    public static final String LOG_JOURNAL_FILE_BYTES = "kelpie.log.journal.file.bytes";
    public static final String LOG_JOURNAL_GATHER_MAX_US = "kelpie.log.journal.gather.max.us";
    public static final String MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION = "kelpie.max.in.flight.requests.per.connection";

    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";

    /**
     * Broker-level names of topic defaults that map one-to-one onto a {@link LogConfig} name. Retention
     * and roll times are not here: they have several units with Kafka's precedence (ms, minutes, hours).
     */
    public static final Map<String, String> LOG_DEFAULT_NAMES = logDefaultNames();

    /**
     * Names of settings Kelpie reads itself (besides {@link #LOG_DEFAULT_NAMES} and the group coordinator's
     * {@link GroupCoordinatorConfig#KEYS}).
     */
    public static final Set<String> BROKER_NAMES = Set.of(NODE_ID, CLUSTER_ID, PROCESS_ROLES, LISTENERS,
            ADVERTISED_LISTENERS,
            CONTROLLER_LISTENER_NAMES, LISTENER_SECURITY_PROTOCOL_MAP, LOG_DIRS, LOG_DIR, NUM_PARTITIONS,
            DEFAULT_REPLICATION_FACTOR, AUTO_CREATE_TOPICS_ENABLE, SOCKET_REQUEST_MAX_BYTES, SOCKET_SEND_BUFFER_BYTES,
            SOCKET_RECEIVE_BUFFER_BYTES,
            CONNECTIONS_MAX_IDLE_MS, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP, PRODUCER_ID_EXPIRATION_MS,
            METRICS_PORT, METRICS_PARTITION_SERIES_MAX, REQUEST_READ_TIMEOUT_MS, IO_THREADS, MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            LOG_JOURNAL_ENABLE, LOG_JOURNAL_BYTES_MAX, LOG_JOURNAL_FILE_BYTES, LOG_JOURNAL_GATHER_MAX_US,
            LOG_RETENTION_MS, LOG_RETENTION_MINUTES, LOG_RETENTION_HOURS, LOG_ROLL_MS, LOG_ROLL_HOURS);

    /**
     * Kafka broker settings that make sense for Apache Kafka but have nothing to drive in Kelpie (yet):
     * accepted without a warning so that a Kafka {@code server.properties} loads cleanly.
     */
    public static final Set<String> IGNORED_KAFKA_NAMES = Set.of("controller.quorum.voters",
            "controller.quorum.bootstrap.servers", "inter.broker.listener.name", "log.retention.check.interval.ms",
            "num.network.threads", "num.io.threads", "num.replica.fetchers", "num.recovery.threads.per.data.dir",
            "queued.max.requests",
            "transaction.state.log.replication.factor", "transaction.state.log.min.isr",
            "share.coordinator.state.topic.replication.factor", "share.coordinator.state.topic.min.isr",
            "log.flush.scheduler.interval.ms", "log.flush.offset.checkpoint.interval.ms",
            "log.cleaner.enable", "log.cleaner.threads", "log.cleaner.dedupe.buffer.size", "log.cleaner.backoff.ms",
            "log.cleaner.io.max.bytes.per.second", "log.preallocate", "metadata.log.dir", "unclean.leader.election.enable",
            "auto.leader.rebalance.enable", "delete.topic.enable", "replica.lag.time.max.ms", "broker.rack",
            "metadata.log.segment.bytes", "metadata.max.retention.bytes", "metadata.max.retention.ms");

    private BrokerConfigKeys() {
    }

    /** Whether Kelpie reads {@code name} or deliberately ignores it. */
    public static boolean isKnown(String name) {
        return BROKER_NAMES.contains(name) || GroupCoordinatorConfig.KEYS.contains(name) || LOG_DEFAULT_NAMES.containsKey(name) || IGNORED_KAFKA_NAMES.contains(name);
    }

    private static Map<String, String> logDefaultNames() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("log.segment.bytes", LogConfig.SEGMENT_BYTES);
        m.put("log.index.size.max.bytes", LogConfig.SEGMENT_INDEX_BYTES);
        m.put("log.index.interval.bytes", LogConfig.INDEX_INTERVAL_BYTES);
        m.put("log.retention.bytes", LogConfig.RETENTION_BYTES);
        m.put("message.max.bytes", LogConfig.MAX_MESSAGE_BYTES);
        m.put("log.cleanup.policy", LogConfig.CLEANUP_POLICY);
        m.put("log.cleaner.delete.retention.ms", LogConfig.DELETE_RETENTION_MS);
        m.put("log.cleaner.min.compaction.lag.ms", LogConfig.MIN_COMPACTION_LAG_MS);
        m.put("log.cleaner.min.cleanable.ratio", LogConfig.MIN_CLEANABLE_DIRTY_RATIO);
        m.put("log.message.timestamp.type", LogConfig.MESSAGE_TIMESTAMP_TYPE);
        m.put("log.message.timestamp.before.max.ms", LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
        m.put("log.message.timestamp.after.max.ms", LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS);
        m.put("compression.type", LogConfig.COMPRESSION_TYPE);
        m.put("min.insync.replicas", LogConfig.MIN_INSYNC_REPLICAS);
        m.put("log.flush.policy", LogConfig.FLUSH_POLICY);
        m.put("log.flush.interval.messages", LogConfig.FLUSH_MESSAGES);
        m.put("log.flush.interval.ms", LogConfig.FLUSH_MS);
        m.put("log.segment.delete.delay.ms", LogConfig.FILE_DELETE_DELAY_MS);
        return Collections.unmodifiableMap(m);
    }
}
